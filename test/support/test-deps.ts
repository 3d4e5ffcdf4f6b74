import { getConnInfo } from "hono/cloudflare-workers";
import { createApiAuthenticator } from "../../src/adapters/auth/api-auth.js";
import { createPrometheusMetrics } from "../../src/adapters/metrics/prometheus-metrics.js";
import { uuid7Ids } from "../../src/adapters/runtime/uuid7-ids.js";
import { sha256Hex } from "../../src/core/canonical-json.js";
import { TokenSigner } from "../../src/core/signed-token.js";
import { createApp } from "../../src/http/app.js";
import { clientAddressFrom } from "../../src/http/client-meta.js";
import type { AppDeps } from "../../src/http/env.js";
import type { CdfClient } from "../../src/ports/cdf-client.js";
import type { Ids } from "../../src/ports/ids.js";
import type { Store } from "../../src/ports/store.js";
import { claimOnlyDispatcher } from "../../src/services/claim-only-dispatcher.js";
import { DEFAULT_APPROVAL_SETTINGS, type ServiceDeps } from "../../src/services/deps.js";
import { Forwarder } from "../../src/services/forwarder.js";
import { captureLogger } from "./capture-logger.js";
import { TestClock } from "./test-clock.js";

export const TEST_API_KEY = "test-api-key-0123456789";
/** sha256("test-api-key-0123456789") */
export const TEST_API_KEY_SHA256 = "47bd0e2f856fe258ebba4d00930ab811d0c004dafae068c9d72511ca3512cca6";

/** Ids that sort by the test clock and are random enough to never collide. */
export function testIds(clock: TestClock): Ids {
  return {
    // The runtime's ids (in order even when the test clock stands still), with a fixed random().
    newId: uuid7Ids(clock).newId,
    random: () => 0.5,
  };
}

export interface TestAppOptions {
  store: Store;
  cdf: CdfClient;
  clock?: TestClock;
  apiKeySha256?: string;
  overrides?: Partial<AppDeps>;
}

/** A fully wired app for HTTP tests through `app.request`, on a real store and a test clock. */
export function testApp(o: TestAppOptions) {
  const clock = o.clock ?? new TestClock();
  const logger = captureLogger();
  const deps: AppDeps = {
    store: o.store,
    cdf: o.cdf,
    clock,
    ids: testIds(clock),
    logger,
    metrics: createPrometheusMetrics().metrics,
    tokens: new TokenSigner([{ kid: "k1", secret: "s".repeat(40) }]),
    sha256: sha256Hex,
    publicUrl: "https://taskgate.test",
    waits: { defaultTtlMs: 24 * 3_600_000, maxTtlMs: 7 * 24 * 3_600_000 },
    approvals: DEFAULT_APPROVAL_SETTINGS,
    minRetryWindowMs: 3_600_000,
    // Tests forward with `forwardOnce`, as a cron would.
    dispatcher: claimOnlyDispatcher,
    authenticate: createApiAuthenticator(
      { keys: [{ name: "tests", sha256: o.apiKeySha256 ?? TEST_API_KEY_SHA256, scopes: ["admin"] }] },
      clock,
    ),
    bodyLimitBytes: 256 * 1024,
    // What Workers reports; tests that need another reading override it.
    clientAddress: clientAddressFrom(getConnInfo),
    version: "test",
    // Tests that assert the access log turn it on; the others keep their log entries to themselves.
    accessLog: false,
    ...o.overrides,
  };
  return { app: createApp(deps), deps, clock, logger };
}

/** One forwarder pass over the app's own deps: what a test runs to see updates reach CDF. */
export function forwardOnce(deps: ServiceDeps): Promise<number> {
  return new Forwarder({
    store: deps.store,
    cdf: deps.cdf,
    clock: deps.clock,
    ids: deps.ids,
    logger: deps.logger,
    metrics: deps.metrics,
    concurrency: 4,
    leaseMs: 30_000,
    pollIntervalMs: 1000,
  }).runOnce();
}
