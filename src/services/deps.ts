import type { TokenSigner } from "../core/signed-token.js";
import type { CdfClient } from "../ports/cdf-client.js";
import type { Clock } from "../ports/clock.js";
import type { Sha256Hex } from "../ports/hasher.js";
import type { Ids } from "../ports/ids.js";
import type { Logger } from "../ports/logger.js";
import type { DeliveryRecord, Store } from "../ports/store.js";
import type { Forwarder } from "./forwarder.js";
import type { CompiledSource } from "./sources.js";

/** Everything the application needs, built once by a composition root (node.ts, worker.ts). */
export interface ServiceDeps {
  store: Store;
  cdf: CdfClient;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  tokens: TokenSigner;
  sha256: Sha256Hex;
  /** Base for the links taskgate hands out (callback URLs), without a trailing slash. */
  publicUrl: string;
  waits: { defaultTtlMs: number; maxTtlMs: number };
  /** Forwarding is retried for at least this long after a callback, even past the wait's expiry. */
  minRetryWindowMs: number;
  /** Present where a process forwards in the background (Node); absent where a cron does it. */
  forwarder?: Pick<Forwarder, "canTakeDirectly" | "submit" | "kick" | "newLeaseOwner" | "leaseMs">;
  /** Configured webhook sources, built once at start-up. */
  sources?: ReadonlyMap<string, CompiledSource>;
  /** Called after an accept where there is no long-lived forwarder (Workers: ctx.waitUntil). */
  afterAccept?: (delivery: DeliveryRecord) => void;
}

/** How long a callback URL stays usable after its wait expired, so late retries get a clear 409. */
export const CALLBACK_TOKEN_GRACE_MS = 24 * 3_600_000;
