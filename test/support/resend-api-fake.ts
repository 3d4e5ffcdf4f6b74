import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** An email the fake accepted, as Resend would have queued it. */
export interface ResendFakeEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
}

/** Every request that reached the fake, accepted or not, for tests about the request's shape. */
export interface ResendFakeRequest {
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export interface ResendApiFake {
  url: string;
  messages: ResendFakeEmail[];
  requests: ResendFakeRequest[];
  /** Answer the next `times` requests (default 1) with `status` in Resend's error shape. */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

const ERROR_NAMES: Record<number, string> = {
  400: "validation_error",
  401: "missing_api_key",
  403: "invalid_api_key",
  404: "not_found",
  405: "method_not_allowed",
  422: "validation_error",
  429: "rate_limit_exceeded",
  500: "internal_server_error",
};

/**
 * A local stand-in for Resend's `POST /emails`: the documented statuses and `{statusCode, name,
 * message}` errors (401 without a key, 403 for a wrong one, 422 for a bad field), plus queued
 * outages, so the Resend mailer is tested over real HTTP without the real service.
 */
export async function startResendApiFake(apiKey: string): Promise<ResendApiFake> {
  const messages: ResendFakeEmail[] = [];
  const requests: ResendFakeRequest[] = [];
  const failures: number[] = [];

  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        requests.push({ method: req.method ?? "", path: req.url ?? "", headers: flatHeaders(req), body });
        const [status, answerBody] = answer(req, body);
        send(res, status, answerBody);
      },
      () => res.destroy(),
    );
  });

  /** The status and JSON body Resend would answer with. */
  function answer(req: IncomingMessage, body: string): Reply {
    if (req.url !== "/emails") return fail(404, "The requested endpoint does not exist.");
    if (req.method !== "POST") return fail(405, "Method is not allowed for the requested path.");
    const queued = failures.shift();
    if (queued !== undefined) return fail(queued, "Injected failure.");
    const auth = req.headers.authorization;
    if (!auth?.startsWith("Bearer ")) return fail(401, "Missing API key in the authorization header.");
    if (auth.slice("Bearer ".length) !== apiKey) return fail(403, "API key is invalid.");

    let input: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("not an object");
      input = parsed as Record<string, unknown>;
    } catch {
      return fail(400, "Invalid JSON body.");
    }
    for (const field of ["from", "to", "subject"]) {
      if (input[field] === undefined)
        return fail(422, `Missing \`${field}\` field.`, "missing_required_field");
    }
    const { from, subject, text, html } = input;
    const to = typeof input.to === "string" ? [input.to] : input.to;
    if (typeof from !== "string" || !isMailbox(from)) {
      return fail(422, "Invalid `from` field. Use `email@example.com` or `Name <email@example.com>`.");
    }
    if (!Array.isArray(to) || to.length === 0 || to.length > 50 || !to.every(isMailboxValue)) {
      return fail(422, "Invalid `to` field. Use `email@example.com` or `Name <email@example.com>`.");
    }
    if (typeof subject !== "string") return fail(422, "Invalid `subject` field.");
    if (typeof text !== "string" && typeof html !== "string") {
      return fail(422, "Missing `html` or `text` field.", "missing_required_field");
    }
    const id = randomUUID();
    messages.push({
      id,
      from,
      to,
      subject,
      text: typeof text === "string" ? text : null,
      html: typeof html === "string" ? html : null,
    });
    return [200, { id }];
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    requests,
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Reply = [status: number, body: unknown];

function fail(status: number, message: string, name?: string): Reply {
  return [status, { statusCode: status, name: name ?? ERROR_NAMES[status] ?? "application_error", message }];
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

const BARE_ADDRESS = /^[^\s<>@,;"\\]+@[^\s<>@,;"\\]+$/;

function isMailboxValue(value: unknown): value is string {
  return typeof value === "string" && isMailbox(value);
}

/** `addr`, `Name <addr>` or `"Quoted, name" <addr>`, on one line: what Resend accepts. */
function isMailbox(value: string): boolean {
  if (/[\r\n]/.test(value)) return false;
  if (BARE_ADDRESS.test(value)) return true;
  const match = /^(.*?)\s*<([^<>]+)>$/s.exec(value);
  if (!match) return false;
  const name = (match[1] ?? "").trim();
  const address = match[2] ?? "";
  if (!BARE_ADDRESS.test(address)) return false;
  return name === "" || /^"(?:[^"\\]|\\.)*"$/.test(name) || !/["<>,;:@\\]/.test(name);
}
