import { CdfError, type CdfFailure } from "../../core/cdf-error.js";
import type { Clock } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type { Counter } from "../../ports/metrics.js";
import { attemptSignal, errorMessage, raceAbort } from "./abort.js";
import { bodySnippet } from "./error-body.js";
import type { HttpTransport } from "./http-transport.js";

/** Where the CDF client gets its bearer token. */
export interface TokenProvider {
  /** A valid access token; throws CdfError when the identity provider fails. */
  getToken(signal?: AbortSignal): Promise<string>;
  /**
   * Forgets the cached token after CDF answered 401. Passing the rejected token keeps a newer one
   * that a concurrent caller already fetched.
   */
  invalidate(rejected?: string): void;
  /**
   * The cached token while it needs no refresh, else undefined: a caller that gets one has it at
   * once, without the wait (and the abort race around it) that `getToken` costs.
   */
  peek(): string | undefined;
  /** False for a static token: a 401 cannot be cured by asking again. */
  readonly refreshable: boolean;
}

export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

export interface TokenProviderDeps {
  /** The CDF client's own transport: on Node the same pooled client as CDF calls, not a second one. */
  transport: HttpTransport;
  clock: Clock;
  logger: Logger;
  /** Per token request. */
  timeoutMs: number;
  /** Counts each token obtained (taskgate_cdf_token_refreshes_total). */
  refreshes?: Counter;
}

/** The SDKs refresh this long before expiry, so a token never expires in flight. */
const REFRESH_MARGIN_MS = 30_000;
/** Used when the identity provider omits `expires_in`; a wrong guess is cured by the 401 path. */
const DEFAULT_LIFETIME_MS = 3_600_000;

/**
 * How long before expiry to refresh: 30 s, or half the lifetime for short-lived tokens, so a
 * 2-second token is reused for a second instead of being fetched again on every call.
 */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(REFRESH_MARGIN_MS, Math.max(0, lifetimeMs) / 2);
}

/** A fixed token (config `{"type": "token"}`): nothing to refresh. */
export function staticTokenProvider(token: string): TokenProvider {
  return { getToken: async () => token, invalidate: () => {}, peek: () => token, refreshable: false };
}

interface CachedToken {
  token: string;
  refreshAt: number;
  expiresAt: number;
}

/**
 * OAuth2 client credentials (RFC 6749 §4.4) with a cache and a single flight: however many
 * callers find the token missing or due, one request goes to the identity provider and all of
 * them share its answer. Failures become CdfError (network, 429 and 5xx retryable) whose message
 * names the provider's `error`/`error_description` but never the secret or a token.
 */
export function clientCredentialsTokenProvider(
  credentials: ClientCredentials,
  deps: TokenProviderDeps,
): TokenProvider {
  let cached: CachedToken | undefined;
  let flight: Promise<CachedToken> | undefined;

  const startFlight = (): Promise<CachedToken> => {
    const p = (async () => {
      try {
        const fresh = await requestToken(credentials, deps);
        deps.refreshes?.inc();
        cached = fresh;
        return fresh;
      } finally {
        flight = undefined;
      }
    })();
    // Callers may all abandon the flight (aborted); its rejection must not go unhandled.
    p.catch(() => {});
    flight = p;
    return p;
  };

  const fresh = (): string | undefined => {
    const current = cached;
    return current && deps.clock.now() < current.refreshAt ? current.token : undefined;
  };

  return {
    refreshable: true,
    peek: fresh,
    async getToken(signal) {
      const ready = fresh();
      if (ready !== undefined) return ready;
      const current = cached;
      try {
        const fresh = await raceAbort(flight ?? startFlight(), signal);
        return fresh.token;
      } catch (error) {
        // A failed early refresh need not fail the call while the old token is still valid.
        const stillValid =
          !signal?.aborted &&
          current !== undefined &&
          cached === current &&
          deps.clock.now() < current.expiresAt &&
          error instanceof CdfError &&
          error.failure.retryable;
        if (stillValid) {
          deps.logger.warn("token refresh failed; using the current token until it expires", {
            error: error.message,
            expiresInMs: current.expiresAt - deps.clock.now(),
          });
          return current.token;
        }
        throw error;
      }
    },
    invalidate(rejected) {
      if (rejected === undefined || cached?.token === rejected) cached = undefined;
    },
  };
}

async function requestToken(credentials: ClientCredentials, deps: TokenProviderDeps): Promise<CachedToken> {
  const { clock, logger, timeoutMs } = deps;
  const secrets = [credentials.clientSecret];
  const fail = (failure: CdfFailure, cause?: unknown): CdfError =>
    new CdfError(
      { ...failure, message: redact(failure.message, secrets) },
      cause === undefined ? undefined : { cause },
    );

  const startedAt = clock.now();
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    scope: credentials.scopes.join(" "),
  });
  const attempt = attemptSignal(timeoutMs);
  let status: number;
  let statusText: string;
  let requestId: string | undefined;
  let text: string;
  try {
    logger.debug("token request", { tokenUrl: credentials.tokenUrl });
    const answer = await raceAbort(
      deps.transport(credentials.tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: body.toString(),
        signal: attempt.signal,
      }),
      attempt.signal,
    );
    status = answer.status;
    statusText = answer.statusText;
    requestId = answer.header("x-request-id") ?? answer.header("x-ms-request-id") ?? undefined;
    text = answer.text;
  } catch (error) {
    const message = attempt.timedOut() ? `no response within ${timeoutMs} ms` : errorMessage(error);
    throw fail(
      { kind: "network", message: `identity provider unreachable: ${message}`, retryable: true },
      error,
    );
  } finally {
    attempt.dispose();
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const fields = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};

  if (status < 200 || status > 299) {
    const retryable = status === 429 || status >= 500;
    logger.warn("token request refused", { status, requestId, retryable });
    throw fail({
      kind: "http",
      status,
      message: idpErrorMessage(fields, text, statusText),
      requestId,
      retryable,
    });
  }

  const token = fields.access_token;
  if (typeof token !== "string" || token === "") {
    throw fail({
      kind: "http",
      status,
      message: "identity provider answered without an access_token",
      requestId,
      retryable: false,
    });
  }
  const expiresIn = Number(fields.expires_in);
  const lifetimeMs = Number.isFinite(expiresIn) ? expiresIn * 1000 : DEFAULT_LIFETIME_MS;
  const expiresAt = startedAt + lifetimeMs;
  logger.debug("token obtained", { status, requestId, expiresInMs: lifetimeMs });
  return { token, expiresAt, refreshAt: expiresAt - refreshMarginMs(lifetimeMs) };
}

function idpErrorMessage(fields: Record<string, unknown>, text: string, statusText: string): string {
  const code = typeof fields.error === "string" ? fields.error : undefined;
  const description = typeof fields.error_description === "string" ? fields.error_description : undefined;
  const named = [code, description && bodySnippet(description)].filter(Boolean).join(": ");
  const detail = named || bodySnippet(text) || statusText || "no detail";
  return `identity provider refused the token request: ${detail}`;
}

/** Belt and braces: an identity provider that echoes the secret must not put it in our logs. */
function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out;
}
