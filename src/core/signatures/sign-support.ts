import { TaskgateError } from "../errors.js";
import { hmac, importHmacKey } from "./constant-time.js";

/** What `taskgate send` (and the round-trip tests) give a scheme's signer. */
export interface SignInput {
  /** Where the request goes (Twilio signs it). */
  url: string;
  body: Uint8Array;
  /** Epoch ms, from the Clock port. */
  now: number;
  /** The delivery id to send (required by Standard Webhooks and Svix; optional elsewhere). */
  messageId?: string;
}

export interface SignedRequest {
  /** The URL to send to: the input's, except Twilio JSON bodies, which gain `bodySHA256`. */
  url: string;
  headers: Record<string, string>;
  /** The body to send: the input's, except a JWS-body JWT source, which sends the token. */
  body: Uint8Array;
}

export async function hmacBytes(key: Uint8Array, hash: "SHA-1" | "SHA-256" | "SHA-512", data: Uint8Array) {
  return hmac(await importHmacKey(key, hash), data);
}

/** The first configured secret signs, like `signingKeys`. */
export function firstSecret(list: readonly string[]): string {
  return list[0]!;
}

export function cannotSign(scheme: string, message: string): TaskgateError {
  return new TaskgateError("invalid_request", `cannot sign for ${scheme}: ${message}`);
}
