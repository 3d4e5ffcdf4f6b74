/**
 * The one shape every verification scheme has, so the HTTP layer calls any source's verifier the
 * same way and the schemes stay pure: no clock, no network (except a JWKS fetch), no runtime APIs.
 */

/** What a verifier sees of an inbound webhook: the raw bytes exactly as received, never a re-serialised body. */
export interface WebhookRequest {
  readonly method: string;
  /**
   * The URL as the provider called it (public scheme, host and port, path and query). Only Twilio
   * signs it; behind a proxy the HTTP layer must rebuild it from `publicUrl`, not from the socket.
   */
  readonly url: string;
  /** A `Headers` object, or a plain record with lower-case names. */
  readonly headers: Headers | Readonly<Record<string, string>>;
  readonly rawBody: Uint8Array;
}

export interface VerifyContext {
  /** Epoch milliseconds, from the Clock port: the schemes never read the time themselves. */
  readonly now: number;
  /** Overrides the source's configured tolerance (five minutes unless configured). */
  readonly toleranceMs?: number;
}

/** A reply the provider expects instead of the normal 202 (e.g. Slack's `url_verification`). */
export interface Handshake {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface VerifyResult {
  readonly ok: true;
  /** The provider's own delivery id, stable across its retries: the default dedupe key. */
  readonly messageId?: string;
  /** The signed send time (epoch ms) when the scheme signs one. */
  readonly timestamp?: number;
  /** When set, answer with this and do not process the request as a callback. */
  readonly handshake?: Handshake;
  /** The verified content when it is not the raw body itself (a JWS body's payload). */
  readonly body?: Uint8Array;
}

/**
 * Resolves when the request is authentic; otherwise rejects with a `TaskgateError` whose code is
 * `signature_invalid` or `timestamp_out_of_tolerance` (both 401), and never with anything that
 * names a secret or an expected signature.
 */
export type Verifier = (req: WebhookRequest, ctx: VerifyContext) => Promise<VerifyResult>;

/** A header carrying more signatures than this is refused rather than checked at length. */
export const MAX_SIGNATURES = 16;
