import { type BackoffPolicy, DEFAULT_BACKOFF, isRetryableStatus, retryDelay } from "../../core/backoff.js";
import { CdfError, type CdfFailure } from "../../core/cdf-error.js";
import type { TaskUpdate } from "../../core/task-status.js";
import type {
  CdfCallResult,
  CdfClient,
  TaskExecution,
  WorkflowExecutionDetail,
} from "../../ports/cdf-client.js";
import type { Clock } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type { Counter } from "../../ports/metrics.js";
import { attemptSignal, errorMessage, raceAbort } from "./abort.js";
import { parseCdfErrorMessage } from "./error-body.js";
import { fetchTransport, type HttpAnswer, type HttpTransport } from "./http-transport.js";
import {
  parseTaskExecution,
  parseWorkflowExecutionDetail,
  UnexpectedResponseError,
} from "./parse-response.js";
import { parseRetryAfter } from "./retry-after.js";
import {
  type ClientCredentials,
  clientCredentialsTokenProvider,
  staticTokenProvider,
  type TokenProvider,
} from "./token-provider.js";

export type CdfAuth = ({ type: "client_credentials" } & ClientCredentials) | { type: "token"; token: string };

export interface CdfClientOptions {
  baseUrl: string;
  project: string;
  auth: CdfAuth;
  /** Defaults to `globalThis.fetch`; tests pass an in-process Hono app. Used when `transport` is not given. */
  fetch?: typeof fetch;
  /** How CDF calls and token requests are sent; defaults to `fetch` (Node passes its pooled undici transport). */
  transport?: HttpTransport;
  clock: Clock;
  /** Uniform in [0, 1), for backoff jitter. */
  random: () => number;
  logger?: Logger;
  /** Sent as `x-cdp-app`; default "taskgate". */
  appName?: string;
  /** Sent as `x-cdp-sdk: taskgate:<version>`. */
  sdkVersion?: string;
  retry?: Partial<BackoffPolicy> & { maxRetries?: number };
  /** Per attempt (token requests included); default 30 s. */
  timeoutMs?: number;
  /** Counts each access token obtained from the identity provider. */
  tokenRefreshes?: Counter;
}

const CDF_API_VERSION = "20230101";
const DEFAULT_MAX_RETRIES = 5;
const DEFAULT_TIMEOUT_MS = 30_000;

const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

interface Call<T> {
  method: "GET" | "POST";
  /** Already URL-encoded, relative to the project. */
  path: string;
  body?: unknown;
  parse: (body: unknown) => T;
  signal: AbortSignal | undefined;
}

type Attempt<T> =
  | { ok: true; value: T; requestId: string | undefined }
  | { ok: false; failure: CdfFailure; cause?: unknown; token?: string; fromIdp?: boolean };

/** Encodes each path segment, so an id can never change the route it is sent to. */
function pathOf(...segments: string[]): string {
  return `/${segments.map(encodeURIComponent).join("/")}`;
}

/**
 * The CDF client taskgate runs everywhere (Node, Workers, Deno, Bun): fetch by default (a
 * faster transport on Node), time and randomness injected. Retries network errors, 429 and 502–504 with full-jitter backoff that
 * honours `Retry-After`; a 401 gets one retry with a fresh token; everything else throws at once.
 */
export function createCdfClient(options: CdfClientOptions): CdfClient {
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const transport = options.transport ?? fetchTransport(fetchImpl);
  const logger = options.logger ?? silentLogger;
  const clock = options.clock;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = options.retry?.maxRetries ?? DEFAULT_MAX_RETRIES;
  const policy: BackoffPolicy = {
    baseDelayMs: options.retry?.baseDelayMs ?? DEFAULT_BACKOFF.baseDelayMs,
    maxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs,
    maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? DEFAULT_BACKOFF.maxRetryAfterMs,
  };
  const projectUrl = `${options.baseUrl.replace(/\/+$/, "")}/api/v1/projects/${encodeURIComponent(options.project)}`;
  const fixedHeaders = {
    "cdf-version": CDF_API_VERSION,
    "x-cdp-app": options.appName ?? "taskgate",
    "x-cdp-sdk": `taskgate:${options.sdkVersion ?? "unknown"}`,
    accept: "application/json",
  };
  const tokens: TokenProvider =
    options.auth.type === "token"
      ? staticTokenProvider(options.auth.token)
      : clientCredentialsTokenProvider(options.auth, {
          transport,
          clock,
          logger,
          timeoutMs,
          ...(options.tokenRefreshes ? { refreshes: options.tokenRefreshes } : {}),
        });

  async function attempt<T>(call: Call<T>): Promise<Attempt<T>> {
    // A fresh cached token is used at once: no promise, no abort listener (per call, under load).
    let token: string | undefined = tokens.peek();
    try {
      token ??= await raceAbort(tokens.getToken(call.signal), call.signal);
    } catch (error) {
      if (error instanceof CdfError)
        return { ok: false, failure: error.failure, cause: error, fromIdp: true };
      return {
        ok: false,
        failure: { kind: "network", message: errorMessage(error), retryable: true },
        cause: error,
        fromIdp: true,
      };
    }

    const headers: Record<string, string> = { ...fixedHeaders, authorization: `Bearer ${token}` };
    if (call.body !== undefined) headers["content-type"] = "application/json";
    const timer = attemptSignal(timeoutMs, call.signal);
    let response: HttpAnswer;
    try {
      const request = { method: call.method, headers, signal: timer.signal };
      const sent = transport(
        projectUrl + call.path,
        call.body === undefined ? request : { ...request, body: JSON.stringify(call.body) },
      );
      response = await (transport.settlesOnAbort ? sent : raceAbort(sent, timer.signal));
    } catch (error) {
      const message = timer.timedOut() ? `no response within ${timeoutMs} ms` : errorMessage(error);
      return { ok: false, failure: { kind: "network", message, retryable: true }, cause: error, token };
    } finally {
      timer.dispose();
    }

    const requestId = response.header("x-request-id") ?? undefined;
    const { status, text } = response;
    if (status >= 200 && status <= 299) {
      try {
        return { ok: true, value: call.parse(JSON.parse(text)), requestId };
      } catch (error) {
        const message =
          error instanceof UnexpectedResponseError ? error.message : "CDF's answer is not valid JSON";
        return { ok: false, failure: { kind: "http", status, message, requestId, retryable: false }, token };
      }
    }
    const failure: CdfFailure = {
      kind: "http",
      status,
      message: parseCdfErrorMessage(status, response.statusText, text),
      requestId,
      retryable: isRetryableStatus(status),
    };
    const retryAfterMs = parseRetryAfter(response.header("retry-after"), clock.now());
    if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
    return { ok: false, failure, token };
  }

  async function send<T>(call: Call<T>): Promise<CdfCallResult<T>> {
    const where = { method: call.method, path: call.path };
    let attempts = 0;
    let retries = 0;
    let reauthenticated = false;
    let unclear = false;
    // 429s CDF answered on the way (the forwarder sizes its call slots by them).
    let throttled = 0;
    let last: Extract<Attempt<T>, { ok: false }> | undefined;
    for (;;) {
      // Aborted while backing off: report what actually went wrong last.
      if (call.signal?.aborted)
        throw last ? new CdfError(last.failure, { cause: last.cause }) : aborted(call.signal, unclear);
      attempts++;
      logger.debug("cdf request", { ...where, attempt: attempts });
      const result = await attempt(call);
      if (result.ok) {
        logger.debug("cdf response", { ...where, attempt: attempts, requestId: result.requestId });
        return {
          value: result.value,
          requestId: result.requestId,
          attempts,
          ...(throttled > 0 ? { throttled } : {}),
        };
      }
      last = result;
      const { failure } = result;
      if (!result.fromIdp && failure.status === 429) throttled++;
      if (throttled > 0) failure.throttled = throttled;
      // A request CDF may have received and applied, answer unseen: remembered for the caller.
      if (
        !result.fromIdp &&
        (failure.kind === "network" || failure.status === 502 || failure.status === 504)
      ) {
        unclear = true;
      }
      if (unclear) failure.mayHaveApplied = true;
      // Aborted mid-attempt: a network "failure" here is only the abort itself.
      if (call.signal?.aborted) {
        throw failure.kind === "http" ? new CdfError(failure) : aborted(call.signal, !result.fromIdp);
      }
      const fields = {
        ...where,
        attempt: attempts,
        kind: failure.kind,
        status: failure.status,
        requestId: failure.requestId,
        ...(result.fromIdp ? { stage: "token" } : {}),
      };

      // 401 from CDF: the token may have been revoked or rotated early; one fresh token, once.
      if (failure.status === 401 && !result.fromIdp && tokens.refreshable && !reauthenticated) {
        reauthenticated = true;
        tokens.invalidate(result.token);
        logger.warn("cdf rejected the token; retrying once with a new one", fields);
        continue;
      }
      if (!failure.retryable || retries >= maxRetries) {
        logger.warn("cdf call failed", { ...fields, message: failure.message, retries });
        throw new CdfError(failure, { cause: result.cause });
      }
      const delayMs = retryDelay(retries, options.random, policy, failure.retryAfterMs);
      retries++;
      logger.warn("cdf call failed; retrying", { ...fields, retryAfterMs: failure.retryAfterMs, delayMs });
      await clock.sleep(delayMs, call.signal);
    }
  }

  return {
    updateTask(taskId: string, update: TaskUpdate, signal?: AbortSignal) {
      const body: TaskUpdate = { status: update.status };
      if (update.output !== undefined) body.output = update.output;
      return send<TaskExecution>({
        method: "POST",
        path: pathOf("workflows", "tasks", taskId, "update"),
        body,
        parse: parseTaskExecution,
        signal,
      });
    },
    retrieveExecution(executionId: string, signal?: AbortSignal) {
      return send<WorkflowExecutionDetail>({
        method: "GET",
        path: pathOf("workflows", "executions", executionId),
        parse: parseWorkflowExecutionDetail,
        signal,
      });
    },
  };
}

/**
 * The caller gave up (shutdown, lease lost) before CDF answered. Still a CdfError, so callers
 * handle one type; retryable, since whether CDF saw the request is unknown.
 */
function aborted(signal: AbortSignal, mayHaveApplied: boolean): CdfError {
  return new CdfError(
    {
      kind: "network",
      message: "aborted by the caller before CDF's answer was read",
      retryable: true,
      ...(mayHaveApplied ? { mayHaveApplied } : {}),
    },
    { cause: signal.reason },
  );
}
