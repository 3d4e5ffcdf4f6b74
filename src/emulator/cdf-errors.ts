import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Extra members CDF puts beside `code` and `message` (e.g. `missing`, `duplicated`). */
export type CdfErrorExtras = Record<string, unknown>;

/** CDF's error envelope: `{"error": {"code": <status>, "message": "...", ...extras}}`. */
export interface CdfErrorBody {
  error: { code: number; message: string } & CdfErrorExtras;
}

/**
 * Thrown by emulator handlers and helpers; the app's `onError` turns it into CDF's envelope, so
 * handlers never build error responses by hand and helpers called from tests throw the same thing.
 */
export class CdfHttpError extends Error {
  readonly status: ContentfulStatusCode;
  readonly extras: CdfErrorExtras | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: ContentfulStatusCode,
    message: string,
    options: { extras?: CdfErrorExtras; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "CdfHttpError";
    this.status = status;
    this.extras = options.extras;
    this.headers = options.headers;
  }

  toBody(): CdfErrorBody {
    return { error: { code: this.status, message: this.message, ...this.extras } };
  }
}

/**
 * Thrown when a `drop` fault fires: it escapes `app.fetch`, so a caller using the app as its fetch
 * sees a rejected promise, as with a reset connection.
 */
export class EmulatorConnectionDropped extends Error {
  constructor() {
    super("connection dropped by an emulator fault");
    this.name = "EmulatorConnectionDropped";
  }
}

/** CDF's limit on a project's concurrent requests (cdf-api.md). */
export const CDF_MAX_CONCURRENT_REQUESTS = 50;

/** CDF's 429 for a project over its concurrent requests. */
export function tooManyRequestsMessage(limit: number): string {
  return `Project exceeded maximum number='${limit}' of concurrent requests. Please try again later.`;
}

/** The messages CDF documents, reused so tests can match them exactly. */
export const CDF_MESSAGES = {
  unauthenticated: "Could not authenticate.",
  nullValues: "`null` values aren't allowed.",
  tooManyRequests: tooManyRequestsMessage(CDF_MAX_CONCURRENT_REQUESTS),
} as const;

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: CDF_MESSAGES.unauthenticated,
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  422: "Unprocessable Entity",
  429: CDF_MESSAGES.tooManyRequests,
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** A CDF-like message for an injected status. */
export function reasonFor(status: number): string {
  return REASONS[status] ?? (status >= 500 ? "Internal Server Error" : "Request failed");
}

/** Answers `err` with CDF's envelope (and its headers, e.g. `Retry-After`). */
export function cdfErrorResponse(c: Context, err: CdfHttpError): Response {
  for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
  return c.json(err.toBody(), err.status);
}
