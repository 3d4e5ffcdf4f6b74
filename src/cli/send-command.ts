import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { TaskgateConfig } from "../config/schema.js";
import { signRequest } from "../core/signatures/sign.js";

export interface SendArgs {
  source: string;
  bodyFile: string;
  /** Default: the config's publicUrl + /hooks/SOURCE. */
  url?: string;
}

/**
 * `taskgate send SOURCE --body FILE [--url URL]`: signs the file's bytes with the source's own
 * secret exactly as the provider would, sends it, and prints the answer. Returns the exit code.
 */
export async function runSendCommand(config: TaskgateConfig, args: SendArgs): Promise<number> {
  const source = config.sources?.[args.source];
  if (!source) {
    const known = Object.keys(config.sources ?? {});
    console.error(
      `taskgate send: no source "${args.source}" in the config${known.length ? ` (known: ${known.join(", ")})` : ""}`,
    );
    return 2;
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(readFileSync(args.bodyFile));
  } catch (err) {
    console.error(
      `taskgate send: cannot read ${args.bodyFile}: ${err instanceof Error ? err.message : String(err)}`,
    );
    return 2;
  }
  const url = args.url ?? `${config.publicUrl}/hooks/${encodeURIComponent(args.source)}`;
  const signed = await signRequest(source.verify, {
    url,
    body,
    now: Date.now(),
    messageId: `msg_${randomUUID()}`,
  });
  const headers = { "content-type": contentTypeOf(body), ...signed.headers };
  let res: Response;
  try {
    res = await fetch(signed.url, { method: "POST", headers, body: signed.body });
  } catch (err) {
    console.error(
      `taskgate send: ${url} is unreachable: ${err instanceof Error ? err.message : String(err)}`,
    );
    return 1;
  }
  console.log(`${res.status} ${res.statusText}`);
  console.log(await res.text());
  return res.ok ? 0 : 1;
}

function contentTypeOf(body: Uint8Array): string {
  const text = new TextDecoder().decode(body).trimStart();
  return text.startsWith("{") || text.startsWith("[")
    ? "application/json"
    : "application/x-www-form-urlencoded";
}
