import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SchemeName } from "../core/signatures/registry.js";

/** The bundled sample bodies: examples/samples/ at the package root (from src/cli or dist/cli). */
export const SAMPLES_DIR = resolve(import.meta.dirname, "..", "..", "examples", "samples");

/** A step into a JSON body: an object key or an array index. */
export type BodyPath = readonly (string | number)[];

/**
 * How the body goes on the wire: JSON as written, form fields (Twilio), or Slack's interactive
 * form (`payload=<the JSON>`).
 */
export type SampleEncoding = "json" | "form" | "slack-payload";

/** A field made new on every send, so a second send is a new event rather than a duplicate. */
export interface FreshField {
  path: BodyPath;
  kind: "id" | "iso-time" | "epoch-seconds" | "slack-ts";
  prefix?: string;
}

/** One bundled event: a provider's real payload shape, and what the provider sends with it. */
export interface SampleEvent {
  /** What `--event` names. */
  name: string;
  /** One line for `send --list` and `check`. */
  summary: string;
  /** The file under examples/samples/. */
  file: string;
  /** Headers the provider sends besides its signature (the event name, mostly). */
  headers: Readonly<Record<string, string>>;
  encoding: SampleEncoding;
  /**
   * Where this sample's correlation key lives, for `--key` when the source's correlationKey
   * expression is not a plain path.
   */
  keyPath: BodyPath;
  fresh: readonly FreshField[];
}

const JSON_TYPE = "json" as const;

const GITHUB: SampleEvent[] = [
  {
    name: "workflow_run",
    summary: "a GitHub Actions run completed successfully (action: completed, conclusion: success)",
    file: "github/workflow_run.json",
    headers: { "x-github-event": "workflow_run", "x-github-hook-id": "109948940" },
    encoding: JSON_TYPE,
    keyPath: ["workflow_run", "id"],
    fresh: [{ path: ["workflow_run", "updated_at"], kind: "iso-time" }],
  },
  {
    name: "workflow_run.failure",
    summary: "a GitHub Actions run completed and failed (conclusion: failure)",
    file: "github/workflow_run.failure.json",
    headers: { "x-github-event": "workflow_run", "x-github-hook-id": "109948940" },
    encoding: JSON_TYPE,
    keyPath: ["workflow_run", "id"],
    fresh: [{ path: ["workflow_run", "updated_at"], kind: "iso-time" }],
  },
  {
    name: "check_run",
    summary: "a check run completed successfully, keyed by its commit (head_sha)",
    file: "github/check_run.json",
    headers: { "x-github-event": "check_run", "x-github-hook-id": "109948940" },
    encoding: JSON_TYPE,
    keyPath: ["check_run", "head_sha"],
    fresh: [{ path: ["check_run", "completed_at"], kind: "iso-time" }],
  },
  {
    name: "ping",
    summary: "what GitHub sends when the webhook is created (nothing to complete)",
    file: "github/ping.json",
    headers: { "x-github-event": "ping", "x-github-hook-id": "109948940" },
    encoding: JSON_TYPE,
    keyPath: ["hook_id"],
    fresh: [{ path: ["hook", "updated_at"], kind: "iso-time" }],
  },
];

const STRIPE_FRESH: FreshField[] = [
  { path: ["id"], kind: "id", prefix: "evt_" },
  { path: ["created"], kind: "epoch-seconds" },
];

const STRIPE: SampleEvent[] = [
  {
    name: "payment_intent.succeeded",
    summary: "a payment succeeded, keyed by the PaymentIntent id",
    file: "stripe/payment_intent.succeeded.json",
    headers: {},
    encoding: JSON_TYPE,
    keyPath: ["data", "object", "id"],
    fresh: STRIPE_FRESH,
  },
  {
    name: "payment_intent.payment_failed",
    summary: "a payment attempt failed (card declined), keyed by the PaymentIntent id",
    file: "stripe/payment_intent.payment_failed.json",
    headers: {},
    encoding: JSON_TYPE,
    keyPath: ["data", "object", "id"],
    fresh: STRIPE_FRESH,
  },
  {
    name: "checkout.session.completed",
    summary: "a Checkout session was paid, keyed by its client_reference_id",
    file: "stripe/checkout.session.completed.json",
    headers: {},
    encoding: JSON_TYPE,
    keyPath: ["data", "object", "client_reference_id"],
    fresh: STRIPE_FRESH,
  },
];

const DOCUSIGN: SampleEvent[] = [
  {
    name: "envelope-completed",
    summary: "every recipient signed the envelope (DocuSign Connect, JSON SIM)",
    file: "docusign/envelope-completed.json",
    headers: {},
    encoding: JSON_TYPE,
    keyPath: ["data", "envelopeId"],
    fresh: [{ path: ["generatedDateTime"], kind: "iso-time" }],
  },
  {
    name: "envelope-declined",
    summary: "a recipient declined to sign, with a reason",
    file: "docusign/envelope-declined.json",
    headers: {},
    encoding: JSON_TYPE,
    keyPath: ["data", "envelopeId"],
    fresh: [{ path: ["generatedDateTime"], kind: "iso-time" }],
  },
];

const SLACK_FRESH: FreshField[] = [
  { path: ["trigger_id"], kind: "id", prefix: "8417360294160." },
  { path: ["actions", 0, "action_ts"], kind: "slack-ts" },
];

const SLACK: SampleEvent[] = [
  {
    name: "block_actions.approve",
    summary: "someone pressed an Approve button (action_id approve; its value is the key)",
    file: "slack/block_actions.approve.json",
    headers: {},
    encoding: "slack-payload",
    keyPath: ["payload", "actions", 0, "value"],
    fresh: SLACK_FRESH,
  },
  {
    name: "block_actions.reject",
    summary: "someone pressed a Reject button (action_id reject)",
    file: "slack/block_actions.reject.json",
    headers: {},
    encoding: "slack-payload",
    keyPath: ["payload", "actions", 0, "value"],
    fresh: SLACK_FRESH,
  },
];

const STANDARD_WEBHOOKS: SampleEvent[] = [
  {
    name: "demo.completed",
    summary: "local mode's demo source: {correlationKey, output} completes the task",
    file: "standard-webhooks/demo.completed.json",
    headers: {},
    encoding: JSON_TYPE,
    keyPath: ["correlationKey"],
    fresh: [],
  },
  {
    name: "demo.failed",
    summary: "local mode's demo source: {correlationKey, status: FAILED, output}",
    file: "standard-webhooks/demo.failed.json",
    headers: {},
    encoding: JSON_TYPE,
    keyPath: ["correlationKey"],
    fresh: [],
  },
  {
    name: "sample.approved",
    summary: "a LIMS approved a lab sample ({type, timestamp, data}), keyed by data.sampleId",
    file: "standard-webhooks/sample.approved.json",
    headers: {},
    encoding: JSON_TYPE,
    keyPath: ["data", "sampleId"],
    fresh: [{ path: ["timestamp"], kind: "iso-time" }],
  },
  {
    name: "sample.rejected",
    summary: "a LIMS rejected a lab sample, with a reason",
    file: "standard-webhooks/sample.rejected.json",
    headers: {},
    encoding: JSON_TYPE,
    keyPath: ["data", "sampleId"],
    fresh: [{ path: ["timestamp"], kind: "iso-time" }],
  },
];

const SHOPIFY_HEADERS = {
  "x-shopify-shop-domain": "example-plant.myshopify.com",
  "x-shopify-api-version": "2025-10",
};

const SHOPIFY: SampleEvent[] = [
  {
    name: "orders/paid",
    summary: "an order was paid, keyed by the order id",
    file: "shopify/orders-paid.json",
    headers: { "x-shopify-topic": "orders/paid", ...SHOPIFY_HEADERS },
    encoding: JSON_TYPE,
    keyPath: ["id"],
    fresh: [{ path: ["updated_at"], kind: "iso-time" }],
  },
  {
    name: "orders/cancelled",
    summary: "an order was cancelled and refunded",
    file: "shopify/orders-cancelled.json",
    headers: { "x-shopify-topic": "orders/cancelled", ...SHOPIFY_HEADERS },
    encoding: JSON_TYPE,
    keyPath: ["id"],
    fresh: [{ path: ["updated_at"], kind: "iso-time" }],
  },
];

const TWILIO: SampleEvent[] = [
  {
    name: "message.delivered",
    summary: "an SMS status callback: delivered (form fields), keyed by MessageSid",
    file: "twilio/message.delivered.json",
    headers: {},
    encoding: "form",
    keyPath: ["MessageSid"],
    fresh: [],
  },
  {
    name: "message.failed",
    summary: "an SMS status callback: undelivered, with Twilio's ErrorCode",
    file: "twilio/message.failed.json",
    headers: {},
    encoding: "form",
    keyPath: ["MessageSid"],
    fresh: [],
  },
];

const GENERIC_FRESH: FreshField[] = [
  { path: ["id"], kind: "id", prefix: "evt_" },
  { path: ["occurredAt"], kind: "iso-time" },
];

const GENERIC: SampleEvent[] = [
  {
    name: "job.completed",
    summary: "a job finished ({event, jobId, status, result}), keyed by jobId",
    file: "generic/job.completed.json",
    headers: {},
    encoding: JSON_TYPE,
    keyPath: ["jobId"],
    fresh: GENERIC_FRESH,
  },
  {
    name: "job.failed",
    summary: "a job failed ({event, jobId, status: FAILED, error})",
    file: "generic/job.failed.json",
    headers: {},
    encoding: JSON_TYPE,
    keyPath: ["jobId"],
    fresh: GENERIC_FRESH,
  },
];

/** The bundled events of each scheme: what its providers really send. */
export const SAMPLE_EVENTS: Readonly<Record<SchemeName, readonly SampleEvent[]>> = {
  "standard-webhooks": STANDARD_WEBHOOKS,
  svix: STANDARD_WEBHOOKS,
  github: GITHUB,
  stripe: STRIPE,
  slack: SLACK,
  shopify: SHOPIFY,
  twilio: TWILIO,
  docusign: DOCUSIGN,
  hmac: GENERIC,
  jwt: GENERIC,
  basic: GENERIC,
  "api-key": GENERIC,
  none: GENERIC,
};

/** The bundled events for a scheme (every scheme has some). */
export function samplesFor(scheme: SchemeName): readonly SampleEvent[] {
  return SAMPLE_EVENTS[scheme];
}

/** The sample's body as parsed data (for a Slack payload, the JSON inside `payload`). */
export function readSampleBody(sample: SampleEvent): unknown {
  return JSON.parse(readFileSync(join(SAMPLES_DIR, sample.file), "utf8")) as unknown;
}

/**
 * The body as taskgate sees it after parsing the wire form: Slack's JSON sits under `payload`,
 * so a correlationKey like `payload.actions[0].value` reads it.
 */
export function parsedView(encoding: SampleEncoding, body: unknown): unknown {
  return encoding === "slack-payload" ? { payload: body } : body;
}

/** The inverse of `parsedView`. */
export function fromParsedView(encoding: SampleEncoding, view: unknown): unknown {
  return encoding === "slack-payload" ? (view as { payload: unknown }).payload : view;
}

/** The bytes and content type the provider would send for `body`. */
export function encodeSample(
  encoding: SampleEncoding,
  body: unknown,
): { bytes: Uint8Array; contentType: string } {
  const form = "application/x-www-form-urlencoded";
  if (encoding === "slack-payload") {
    const text = new URLSearchParams({ payload: JSON.stringify(body) }).toString();
    return { bytes: new TextEncoder().encode(text), contentType: form };
  }
  if (encoding === "form") {
    const fields = Object.entries(body as Record<string, unknown>).map(([k, v]): [string, string] => [
      k,
      typeof v === "string" ? v : JSON.stringify(v),
    ]);
    return { bytes: new TextEncoder().encode(new URLSearchParams(fields).toString()), contentType: form };
  }
  return { bytes: new TextEncoder().encode(JSON.stringify(body, null, 2)), contentType: "application/json" };
}

/** A copy of `body` whose fresh fields are new: a second send is a new event, as with `stripe trigger`. */
export function freshen(body: unknown, fields: readonly FreshField[], now: number): unknown {
  const copy = structuredClone(body);
  for (const field of fields) {
    const value = freshValue(field, now);
    setAt(copy, field.path, value);
  }
  return copy;
}

function freshValue(field: FreshField, now: number): string | number {
  switch (field.kind) {
    case "id":
      return `${field.prefix ?? ""}${randomBytes(12).toString("hex")}`;
    case "iso-time":
      return new Date(now).toISOString();
    case "epoch-seconds":
      return Math.floor(now / 1000);
    case "slack-ts":
      // Slack's seconds.microseconds
      return `${Math.floor(now / 1000)}.${String(now % 1000).padStart(3, "0")}${String(randomBytes(2).readUInt16BE(0) % 1000).padStart(3, "0")}`;
  }
}

/**
 * Sets `value` at `path`, making objects (or arrays, for a numeric step) on the way. Refuses to
 * go through a value that is neither, so a sample is never silently reshaped.
 */
export function setAt(root: unknown, path: BodyPath, value: unknown): void {
  if (path.length === 0) throw new Error("an empty path names the whole body");
  let node = root;
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    const last = i === path.length - 1;
    if (node === null || typeof node !== "object") {
      throw new Error(
        `cannot set ${formatBodyPath(path)}: ${formatBodyPath(path.slice(0, i))} is not an object`,
      );
    }
    const container = node as Record<string | number, unknown>;
    if (last) {
      container[step] = value;
      return;
    }
    if (container[step] === undefined || container[step] === null) {
      container[step] = typeof path[i + 1] === "number" ? [] : {};
    }
    node = container[step];
  }
}

/** `data.object.id`, `payload.actions[0].value`. */
export function formatBodyPath(path: BodyPath): string {
  let out = "";
  for (const step of path) out += typeof step === "number" ? `[${step}]` : out === "" ? step : `.${step}`;
  return out === "" ? "(body)" : out;
}
