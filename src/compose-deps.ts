import { createApiAuthenticator } from "./adapters/auth/api-auth.js";
import { createCdfClient } from "./adapters/cdf/cdf-client.js";
import { systemClock } from "./adapters/runtime/system-clock.js";
import { uuid7Ids } from "./adapters/runtime/uuid7-ids.js";
import type { TaskgateConfig } from "./config/schema.js";
import { TokenSigner } from "./core/signed-token.js";
import type { AppDeps } from "./http/env.js";
import type { Sha256Hex } from "./ports/hasher.js";
import type { Logger } from "./ports/logger.js";
import type { Store } from "./ports/store.js";
import { Forwarder } from "./services/forwarder.js";
import { compileSources } from "./services/sources.js";
import { VERSION } from "./version.js";

/** What differs between runtimes; everything else is built the same way from the config. */
export interface RuntimeParts {
  store: Store;
  /** How CDF and the identity provider are reached. */
  fetch: typeof fetch;
  sha256: Sha256Hex;
  logger: Logger;
  /** Where links point; defaults to config.publicUrl. */
  publicUrl?: string;
}

/**
 * The wiring every composition root shares (Node, Workers): the CDF client, the forwarder and
 * the app's dependencies, from a validated config. Roots add only what is theirs: the store, the
 * fetch, how forwarding is scheduled, and the server.
 */
export function composeDeps(
  config: TaskgateConfig,
  parts: RuntimeParts,
): { deps: AppDeps; forwarder: Forwarder } {
  const clock = systemClock;
  const ids = uuid7Ids(clock);
  const { store, logger, sha256 } = parts;
  const cdf = createCdfClient({
    baseUrl: config.cdf.baseUrl,
    project: config.cdf.project,
    auth: config.cdf.auth,
    fetch: parts.fetch,
    clock,
    random: ids.random,
    logger: logger.child({ component: "cdf" }),
    appName: config.cdf.appName,
    sdkVersion: VERSION,
    timeoutMs: config.cdf.timeout,
    retry: { maxRetries: config.forwarder.callRetries },
  });
  const forwarder = new Forwarder({
    store,
    cdf,
    clock,
    ids,
    logger: logger.child({ component: "forwarder" }),
    concurrency: config.forwarder.concurrency,
    leaseMs: config.forwarder.lease,
    pollIntervalMs: config.forwarder.pollInterval,
  });
  const deps: AppDeps = {
    store,
    cdf,
    clock,
    ids,
    logger,
    tokens: new TokenSigner(config.signingKeys),
    sha256,
    publicUrl: parts.publicUrl ?? config.publicUrl,
    waits: { defaultTtlMs: config.waits.defaultTtl, maxTtlMs: config.waits.maxTtl },
    minRetryWindowMs: config.forwarder.minRetryWindow,
    authenticate: createApiAuthenticator(
      {
        keys: config.api.keys,
        oidc: config.api.oidc && { ...config.api.oidc, clockToleranceMs: config.api.oidc.clockTolerance },
      },
      clock,
      sha256,
    ),
    bodyLimitBytes: config.server.bodyLimitBytes,
    version: VERSION,
    sources: compileSources(config.sources, { fetch: parts.fetch }),
  };
  return { deps, forwarder };
}
