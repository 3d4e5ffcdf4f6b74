import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KyselyStore } from "../src/adapters/sql/kysely-store.js";
import { openSqliteStore } from "../src/adapters/sql/sqlite.js";
import { interpolateEnv } from "../src/config/interpolate.js";
import { SourcesSchema } from "../src/config/sources-schema.js";
import { sha256Hex } from "../src/core/canonical-json.js";
import type { SchemeConfig } from "../src/core/signatures/schema.js";
import { signRequest } from "../src/core/signatures/sign.js";
import type { Emulator } from "../src/emulator/emulator.js";
import type { CdfClient } from "../src/ports/cdf-client.js";
import { Forwarder } from "../src/services/forwarder.js";
import { compileSources } from "../src/services/sources.js";
import { emulatedCdf } from "./support/emulated-cdf.js";
import { json } from "./support/json.js";
import { TestClock } from "./support/test-clock.js";
import { TEST_API_KEY, testApp } from "./support/test-deps.js";
import { ROOT } from "./support/tsx.js";

/** The presets in docs/presets.json, as a user copies them: each one verified, mapped and forwarded. */
const env = {
  GITHUB_WEBHOOK_SECRET: "It's a Secret to Everybody",
  STRIPE_WEBHOOK_SECRET: "whsec_test_secret_for_presets",
  DOCUSIGN_HMAC_1: "docusign-hmac-key-one",
  DOCUSIGN_HMAC_2: "docusign-hmac-key-two",
  SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
  LIMS_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
};
const raw = JSON.parse(readFileSync(join(ROOT, "docs/presets.json"), "utf8")) as unknown;
const interpolated = interpolateEnv(raw, env);
const presets = SourcesSchema.parse(interpolated.value)!;

const form = (payload: unknown) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;

/** One sample each: [preset, correlation key, body, content type, extra headers, expected task status]. */
const samples: [string, string, string, string, Record<string, string>, string][] = [
  [
    "github-workflow-run",
    "30433642",
    JSON.stringify({
      action: "completed",
      workflow_run: {
        id: 30433642,
        conclusion: "success",
        html_url: "https://github.example/run",
        head_sha: "abc",
      },
    }),
    "application/json",
    { "x-github-event": "workflow_run" },
    "COMPLETED",
  ],
  [
    "github-check-run",
    "ce587453",
    JSON.stringify({
      action: "completed",
      check_run: { head_sha: "ce587453", name: "test", conclusion: "failure" },
    }),
    "application/json",
    { "x-github-event": "check_run" },
    "FAILED_WITH_TERMINAL_ERROR",
  ],
  [
    "stripe-payment-intent",
    "pi_3MtwBw",
    JSON.stringify({
      id: "evt_1",
      type: "payment_intent.succeeded",
      data: { object: { id: "pi_3MtwBw", amount: 2000, currency: "eur" } },
    }),
    "application/json",
    {},
    "COMPLETED",
  ],
  [
    "stripe-checkout",
    "order-77",
    JSON.stringify({
      id: "evt_2",
      type: "checkout.session.completed",
      data: { object: { id: "cs_1", client_reference_id: "order-77", payment_status: "paid" } },
    }),
    "application/json",
    {},
    "COMPLETED",
  ],
  [
    "docusign",
    "93be49ab",
    JSON.stringify({ event: "envelope-declined", data: { envelopeId: "93be49ab" } }),
    "application/json",
    {},
    "FAILED_WITH_TERMINAL_ERROR",
  ],
  [
    "slack-buttons",
    "req-12",
    form({
      type: "block_actions",
      trigger_id: "t-1",
      user: { username: "ana" },
      actions: [{ action_id: "approve", value: "req-12" }],
    }),
    "application/x-www-form-urlencoded",
    {},
    "COMPLETED",
  ],
  [
    "lims",
    "S-100",
    JSON.stringify({ type: "sample.approved", data: { sampleId: "S-100", result: 7 } }),
    "application/json",
    {},
    "COMPLETED",
  ],
];

describe("documented presets (docs/presets.json)", () => {
  let store: KyselyStore;
  let emulator: Emulator;
  let cdf: CdfClient;
  let t: ReturnType<typeof testApp>;
  beforeAll(async () => {
    expect(interpolated.problems).toEqual([]);
    store = await openSqliteStore({ path: ":memory:" });
    const clock = new TestClock(Date.now());
    ({ emulator, cdf } = emulatedCdf(clock));
    t = testApp({ store, cdf, clock, overrides: { sources: compileSources(presets), sha256: sha256Hex } });
  });
  afterAll(() => store.close());

  it.each(samples)(
    "%s: a signed sample completes the waiting task",
    async (name, key, body, type, extra, status) => {
      const taskId = emulator.createExecution().executedTasks[0]!.id;
      const wait = await t.app.request("/v1/waits", {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ taskId, source: name, correlationKey: key }),
      });
      expect(wait.status).toBe(201);
      const url = `https://taskgate.test/hooks/${name}`;
      const signed = await signRequest(presets[name]!.verify as SchemeConfig, {
        url,
        body: new TextEncoder().encode(body),
        now: t.clock.now(),
        messageId: `msg-${name}`,
      });
      const res = await t.app.request(`/hooks/${name}`, {
        method: "POST",
        headers: { "content-type": type, ...extra, ...signed.headers },
        body: signed.body,
      });
      expect(await json(res)).toMatchObject({ outcome: "queued" });
      await new Forwarder({
        store,
        cdf,
        clock: t.clock,
        ids: t.deps.ids,
        logger: t.logger,
        concurrency: 2,
        leaseMs: 30_000,
        pollIntervalMs: 1000,
      }).runOnce();
      expect(emulator.getTask(taskId)?.status).toBe(status);
    },
  );
});
