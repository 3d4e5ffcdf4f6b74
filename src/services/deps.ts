import type { TokenSigner } from "../core/signed-token.js";
import type { EndingMode } from "../ports/approval-store.js";
import type { CdfClient } from "../ports/cdf-client.js";
import type { Clock } from "../ports/clock.js";
import type { Dispatcher } from "../ports/dispatcher.js";
import type { Sha256Hex } from "../ports/hasher.js";
import type { Ids } from "../ports/ids.js";
import type { Logger } from "../ports/logger.js";
import type { Metrics } from "../ports/metrics.js";
import type { Store } from "../ports/store.js";
import type { CompiledSource } from "./sources.js";

/** Everything the application needs, built once by a composition root (node.ts, worker.ts). */
export interface ServiceDeps {
  store: Store;
  cdf: CdfClient;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  /** Counters and histograms (DESIGN §7): per process on Node, per isolate on Workers. */
  metrics: Metrics;
  tokens: TokenSigner;
  sha256: Sha256Hex;
  /** Base for the links taskgate hands out (callback URLs), without a trailing slash. */
  publicUrl: string;
  waits: { defaultTtlMs: number; maxTtlMs: number };
  approvals: {
    defaultTtlMs: number;
    maxTtlMs: number;
    /** What an expiry sends to CDF unless the approval says otherwise. */
    onExpire: EndingMode;
    /** Links keep showing the outcome this long after the approval's expiry, then say "expired". */
    linkGraceMs: number;
  };
  /** Present when mail is configured: told when new mail is queued. */
  mailOutbox?: { kick(): void };
  /** Forwarding is retried for at least this long after a callback, even past the wait's expiry. */
  minRetryWindowMs: number;
  /** How a stored delivery gets sent (in-process hand-off, a later claim, Workers' waitUntil). */
  dispatcher: Dispatcher;
  /** Configured webhook sources, built once at start-up. */
  sources?: ReadonlyMap<string, CompiledSource>;
}

/** How long a callback URL stays usable after its wait expired, so late retries get a clear 409. */
export const CALLBACK_TOKEN_GRACE_MS = 24 * 3_600_000;

/** The config's defaults for approvals, for deps built by hand (tests, benchmarks, smoke runs). */
export const DEFAULT_APPROVAL_SETTINGS: ServiceDeps["approvals"] = {
  defaultTtlMs: 24 * 3_600_000,
  maxTtlMs: 30 * 24 * 3_600_000,
  onExpire: "fail",
  linkGraceMs: 7 * 24 * 3_600_000,
};
