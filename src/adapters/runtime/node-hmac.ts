import { createHmac } from "node:crypto";
import type { HmacFunction, HmacSha256 } from "../../ports/hasher.js";

/** Node's synchronous HMAC: a few microseconds, where Web Crypto's verify is a thread-pool job. */
export const nodeHmacSha256: HmacSha256 = (key, data) => createHmac("sha256", key).update(data).digest();

const NODE_NAME = { "SHA-1": "sha1", "SHA-256": "sha256", "SHA-512": "sha512" } as const;

/** The same for webhook signatures (every scheme's HMAC, SHA-1/256/512), on the raw bytes. */
export const nodeHmac: HmacFunction = (hash, key, data) =>
  createHmac(NODE_NAME[hash], key).update(data).digest();
