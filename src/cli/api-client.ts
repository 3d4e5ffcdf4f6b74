import type * as z from "zod";
import { LOCAL_API_KEY } from "./local-mode.js";

/** Where the CLI finds a running taskgate when not told: local mode's default address. */
export const DEFAULT_URL = "http://127.0.0.1:8080";

/** A refusal or a failure the CLI reports in one line and exits 1 on. */
export class ApiFailure extends Error {}

/**
 * The CLI's side of the HTTP API: a bearer key from TASKGATE_API_KEY (else local mode's key, so
 * local mode needs neither flag nor variable), a timeout, and every answer checked against the
 * same zod schema the API documents, so nothing untyped crosses into the commands.
 */
export class ApiClient {
  readonly base: string;
  private readonly key: string;

  constructor(url: string | undefined, env: Record<string, string | undefined> = process.env) {
    this.base = (url ?? env.TASKGATE_URL ?? DEFAULT_URL).replace(/\/+$/, "");
    this.key = env.TASKGATE_API_KEY || LOCAL_API_KEY;
  }

  async request<S extends z.ZodType>(
    method: "GET" | "POST",
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<{ status: number; data: z.output<S> }> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      const cause =
        (err as { cause?: { code?: string } }).cause?.code ?? (err instanceof Error ? err.message : "");
      throw new ApiFailure(`cannot reach taskgate at ${this.base} (${cause}); is it running? (--url URL)`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiFailure(`${this.base} answered ${res.status} without JSON; is it taskgate?`);
    }
    if (!res.ok) throw new ApiFailure(refusal(res.status, parsed));
    const checked = schema.safeParse(parsed);
    if (!checked.success) throw new ApiFailure(`${this.base} answered ${res.status} with an unexpected body`);
    return { status: res.status, data: checked.data };
  }
}

function refusal(status: number, body: unknown): string {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof error?.code === "string" ? error.code : `HTTP ${status}`;
  const message = typeof error?.message === "string" ? `: ${error.message}` : "";
  const hint =
    status === 401
      ? " (set TASKGATE_API_KEY to an API key of this taskgate)"
      : status === 403
        ? " (the key lacks the scope this needs)"
        : "";
  return `${status} ${code}${message}${hint}`;
}
