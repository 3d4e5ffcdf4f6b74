import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { TaskgateConfig } from "../config/schema.js";
import { keyLocation } from "../core/mapping/expression-shape.js";
import { compileMapping } from "../core/mapping/source-mapping.js";
import { signRequest } from "../core/signatures/sign.js";
import { describePreview, previewMapping } from "./mapping-preview.js";
import {
  type BodyPath,
  encodeSample,
  formatBodyPath,
  freshen,
  fromParsedView,
  parsedView,
  readSampleBody,
  type SampleEncoding,
  type SampleEvent,
  samplesFor,
  setAt,
} from "./sample-events.js";

export interface SendArgs {
  source: string;
  /** A bundled sample event of the source's scheme. */
  event?: string;
  /** A file to send instead (its bytes as they are, unless `key` must go into it). */
  bodyFile?: string;
  /** The correlation key to write into the body (or header) where the source reads it. */
  key?: string;
  /** Extra headers, applied last (they override the sample's and the signature's). */
  headers?: [string, string][];
  /** Default: the config's publicUrl + /hooks/SOURCE. */
  url?: string;
}

type Config = Pick<TaskgateConfig, "sources" | "publicUrl">;
type Source = NonNullable<TaskgateConfig["sources"]>[string];

/** A usage problem: exit 2 with this message. */
class SendUsage extends Error {}

/**
 * `taskgate send SOURCE (--event NAME | --body FILE) [--key K] [--header K:V]...`: builds the
 * webhook a provider would send (a bundled sample of the source's scheme, freshened so a second
 * send is a new event, with the provider's own headers), signs it with the source's secret, sends
 * it, and prints the answer and what taskgate sends to CDF for it. Returns the exit code.
 */
export async function runSendCommand(config: Config, args: SendArgs): Promise<number> {
  const source = config.sources?.[args.source];
  if (!source) {
    const known = Object.keys(config.sources ?? {});
    console.error(
      `taskgate send: no source "${args.source}" in the config${known.length ? ` (known: ${known.join(", ")})` : ""}`,
    );
    return 2;
  }
  let request: BuiltRequest;
  try {
    request = await buildRequest(args, source, Date.now());
  } catch (err) {
    if (err instanceof SendUsage) {
      console.error(`taskgate send: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const url = args.url ?? `${config.publicUrl}/hooks/${encodeURIComponent(args.source)}`;
  const signed = await signRequest(source.verify, {
    url,
    body: request.bytes,
    now: Date.now(),
    messageId: `msg_${randomUUID()}`,
  });
  // Curl's rule: what the user sets last wins, even over a signature (to try a bad one).
  const headers: Record<string, string> = {
    "content-type": request.contentType,
    "user-agent": "taskgate-send",
    ...request.headers,
    ...signed.headers,
    ...Object.fromEntries(args.headers ?? []),
  };
  const preview = await previewMapping(source, {
    bytes: request.bytes,
    headers,
    query: Object.fromEntries(new URL(signed.url).searchParams),
  });
  const about = [
    ...(request.event ? [`event ${request.event}`] : []),
    ...(preview.key ? [`correlation key "${preview.key}"`] : []),
  ];
  console.log(`POST ${url}${about.length ? ` (${about.join(", ")})` : ""}`);
  let res: Response;
  try {
    res = await fetch(signed.url, { method: "POST", headers, body: signed.body });
  } catch (err) {
    console.error(
      `taskgate send: ${url} is unreachable: ${err instanceof Error ? err.message : String(err)}` +
        " (is taskgate running? `npm start` in local mode; --url names another address)",
    );
    return 1;
  }
  const text = await res.text();
  console.log(`${res.status} ${res.statusText}`);
  console.log(text);
  console.log(describeAnswer(res.status, text));
  // After a refusal the mapping matters only when it is the reason (an expression that fails).
  if (res.ok || preview.error || (preview.trial && !preview.trial.mapped)) {
    console.log(describePreview(preview, outcomeOf(text)));
  }
  return res.ok ? 0 : 1;
}

interface BuiltRequest {
  bytes: Uint8Array;
  contentType: string;
  headers: Record<string, string>;
  event?: string;
}

async function buildRequest(args: SendArgs, source: Source, now: number): Promise<BuiltRequest> {
  if (args.event !== undefined && args.bodyFile !== undefined) {
    throw new SendUsage("give --event NAME or --body FILE, not both");
  }
  if (args.event === undefined && args.bodyFile === undefined) {
    throw new SendUsage(
      `give --event NAME or --body FILE; the events for this source (${source.verify.scheme}):\n${eventList(source)}`,
    );
  }
  let body: unknown;
  let encoding: SampleEncoding;
  let headers: Record<string, string> = {};
  let sample: SampleEvent | undefined;
  if (args.event !== undefined) {
    sample = samplesFor(source.verify.scheme).find((s) => s.name === args.event);
    if (!sample) {
      throw new SendUsage(
        `no event "${args.event}" for a ${source.verify.scheme} source; its events:\n${eventList(source)}`,
      );
    }
    body = parsedView(sample.encoding, freshen(readSampleBody(sample), sample.fresh, now));
    encoding = sample.encoding;
    headers = { ...sample.headers };
  } else {
    const bytes = readBodyFile(args.bodyFile!);
    if (args.key === undefined) return { bytes, contentType: contentTypeOf(bytes), headers };
    ({ body, encoding } = decodeBodyFile(bytes, args.bodyFile!));
  }
  if (args.key !== undefined) {
    await placeKey(source, args.key, { body, headers, encoding, fallback: sample?.keyPath });
  }
  const { bytes, contentType } = encodeSample(encoding, fromParsedView(encoding, body));
  return { bytes, contentType, headers, ...(sample ? { event: sample.name } : {}) };
}

/**
 * Writes `key` where the source's correlationKey expression reads it (its path, or a header), else
 * where the sample keeps its key, and checks by evaluating the expression that it reads `key` back.
 */
async function placeKey(
  source: Source,
  key: string,
  target: {
    body: unknown;
    headers: Record<string, string>;
    encoding: SampleEncoding;
    fallback?: BodyPath | undefined;
  },
): Promise<void> {
  const location = keyLocation(source.correlationKey);
  if (location?.in === "header") {
    target.headers[location.name] = key;
  } else {
    const path = location?.path ?? target.fallback;
    if (!path) {
      throw new SendUsage(
        `cannot tell where --key goes: the source's correlationKey (${source.correlationKey}) is not a plain path; put the key into the body yourself`,
      );
    }
    try {
      setAt(target.body, path, typed(key, valueAt(target.body, path)));
    } catch (err) {
      throw new SendUsage(`cannot set --key at ${formatBodyPath(path)}: ${(err as Error).message}`);
    }
  }
  const { mapping } = compileMapping(source);
  const got = mapping
    ? await mapping.correlationKey
        .evaluate(target.body, { headers: target.headers, query: {} })
        .catch(() => undefined)
    : undefined;
  if (got === undefined || String(got) !== key) {
    throw new SendUsage(
      `--key "${key}" was written but the source's correlationKey (${source.correlationKey}) reads ${got === undefined ? "nothing" : JSON.stringify(got)} from the result; write the body yourself and send it with --body FILE`,
    );
  }
}

/** A numeric key replaces a number as a number (GitHub's run ids are numbers). */
function typed(key: string, existing: unknown): string | number {
  return typeof existing === "number" && /^-?\d+(\.\d+)?$/.test(key) ? Number(key) : key;
}

function valueAt(root: unknown, path: BodyPath): unknown {
  let node = root;
  for (const step of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

function readBodyFile(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (err) {
    throw new SendUsage(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A --body file that --key must edit: JSON, or form fields (Slack's `payload=` form included). */
function decodeBodyFile(bytes: Uint8Array, file: string): { body: unknown; encoding: SampleEncoding } {
  const text = new TextDecoder().decode(bytes);
  if (contentTypeOf(bytes) === "application/json") {
    try {
      return { body: JSON.parse(text) as unknown, encoding: "json" };
    } catch {
      throw new SendUsage(`${file} is not valid JSON, so --key cannot be written into it`);
    }
  }
  const fields = Object.fromEntries(new URLSearchParams(text));
  if (typeof fields.payload === "string") {
    try {
      return { body: { payload: JSON.parse(fields.payload) as unknown }, encoding: "slack-payload" };
    } catch {
      // a plain form field that happens to be called payload
    }
  }
  return { body: fields, encoding: "form" };
}

function contentTypeOf(body: Uint8Array): string {
  const text = new TextDecoder().decode(body).trimStart();
  return text.startsWith("{") || text.startsWith("[")
    ? "application/json"
    : "application/x-www-form-urlencoded";
}

/** The bundled events of a source's scheme, one per line, for `--list` and usage errors. */
export function eventList(source: Source): string {
  const events = samplesFor(source.verify.scheme);
  const width = Math.max(...events.map((e) => e.name.length)) + 2;
  return events.map((e) => `  ${e.name.padEnd(width)}${e.summary}`).join("\n");
}

/** `taskgate send --list` (all sources) or `send SOURCE --list`. */
export function runSendList(config: Config, only?: string): number {
  const names = Object.keys(config.sources ?? {}).filter((n) => only === undefined || n === only);
  if (only !== undefined && names.length === 0) {
    const known = Object.keys(config.sources ?? {});
    console.error(
      `taskgate send: no source "${only}" in the config${known.length ? ` (known: ${known.join(", ")})` : ""}`,
    );
    return 2;
  }
  if (names.length === 0) {
    console.log("this config has no sources");
    return 0;
  }
  const blocks = names.map((name) => {
    const source = config.sources![name]!;
    return `${name} (${source.verify.scheme}):\n${eventList(source)}`;
  });
  console.log(
    `${blocks.join("\n\n")}\n\nSend one: taskgate send ${names[0]} --event ${samplesFor(config.sources![names[0]!]!.verify.scheme)[0]!.name}`,
  );
  return 0;
}

function outcomeOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { outcome?: unknown };
    return typeof parsed.outcome === "string" ? parsed.outcome : undefined;
  } catch {
    return undefined;
  }
}

/** The answer in words: the outcome and the gateway's own reason, or its error. */
function describeAnswer(status: number, text: string): string {
  let parsed: { outcome?: string; detail?: string; error?: { code?: string; message?: string } };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return `=> HTTP ${status}`;
  }
  if (parsed.error) return `=> refused (${parsed.error.code ?? status}): ${parsed.error.message ?? ""}`;
  const meaning: Record<string, string> = {
    queued: "an open wait took it; the forwarder sends the update below to CDF",
    parked: "kept until a wait for its correlation key is registered",
    ignored: "stored for the record; nothing goes to CDF",
    duplicate: "seen before; nothing new was stored",
  };
  const outcome = parsed.outcome ?? "?";
  return `=> ${outcome}: ${parsed.detail ?? meaning[outcome] ?? ""}`;
}
