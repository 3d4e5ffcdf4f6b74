import type { Context } from "hono";
import type { Clock } from "../ports/clock.js";
import type { WorkflowEngine } from "./engine.js";
import type { FaultList } from "./faults.js";
import type { IdentityProvider } from "./idp.js";
import type { RequestLog } from "./request-log.js";
import type { SessionStore } from "./sessions.js";

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface EmulatorConfig {
  /** Lifetime of tokens from `/oauth2/token`; changing it affects tokens issued afterwards. */
  tokenLifetimeSeconds: number;
  /**
   * CDF API requests the project serves at once; one more is answered 429 "Project exceeded
   * maximum number='50' of concurrent requests" (cdf-api.md). 0: no limit. Default 50, as CDF.
   */
  maxConcurrentRequests: number;
}

/** Per-request values the traffic middleware sets before any route runs. */
export interface EmulatorVariables {
  requestId: string;
  /** The mount prefix (`""` at the root, `"/emulator"` when mounted there). */
  base: string;
  /** The raw request body, read once so it can be logged and parsed. */
  bodyText: string;
}

export type EmulatorEnv = { Variables: EmulatorVariables };

/** Everything the routes share; one per emulator. */
export interface EmulatorState {
  clock: Clock;
  project: string;
  clients: readonly ClientCredentials[];
  config: EmulatorConfig;
  engine: WorkflowEngine;
  sessions: SessionStore;
  idp: IdentityProvider;
  faults: FaultList;
  log: RequestLog;
  dropConnection: ((c: Context) => void) | undefined;
  /** CDF API requests being answered now (for `config.maxConcurrentRequests`). */
  inFlight: number;
}

/** The emulator's absolute URL for this request (origin + mount prefix): the token issuer. */
export function issuerOf(c: Context<EmulatorEnv>): string {
  return new URL(c.req.url).origin + c.get("base");
}
