import type { Hono } from "hono";
import type { SecretMatcher } from "../core/signatures/constant-time.js";
import type { EmulatorEnv } from "../emulator/context.js";
import type { Authenticate, Principal } from "../ports/authenticate.js";
import type { MailCatcher } from "../ports/mail-catcher.js";
import type { ServiceDeps } from "../services/deps.js";
import type { RejectionRecorder } from "../services/rejection-log.js";
import type { ClientAddress } from "./client-meta.js";
import type { OneTimeSignIn } from "./console/one-time-sign-in.js";
import type { PublicLimits } from "./middleware/public-limits.js";

/** What the app needs beyond the services: how to authenticate, limits, and optional mounts. */
export interface AppDeps extends ServiceDeps {
  authenticate: Authenticate;
  bodyLimitBytes: number;
  /** The runtime's reading of the client address (decisions record it); see client-meta.ts. */
  clientAddress: ClientAddress;
  /** Local mode mounts the CDF emulator at /emulator in the same server. */
  emulator?: Hono<EmulatorEnv>;
  version: string;
  /** One JSON line per request through the logger (config `server.accessLog`). */
  accessLog: boolean;
  /** When set (config `metrics.token`), GET /metrics wants `Authorization: Bearer <token>`. */
  metricsToken?: SecretMatcher;
  /** Local mode: answer only loopback Host names (DNS rebinding); 421 otherwise. */
  loopbackHostsOnly?: boolean;
  /** Rate limits and load shedding on the public endpoints (config `limits`); unset: none. */
  limits?: PublicLimits;
  /** Local mode's console extras: one-time sign-in links, and the mail catcher. */
  console?: { signIn?: OneTimeSignIn; mailCatcher?: MailCatcher };
  /** The rejected-request log (`rejections.enabled`); absent, refusals are not recorded. */
  rejections?: RejectionRecorder;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    principal: Principal;
    /** What an accept route answered (queued, parked, …), for the access log and metrics. */
    outcome: string;
    /** The error code a refusal was answered with (set by onError), for the access log and metrics. */
    errorCode: string;
  };
}
