import { createHmac } from "node:crypto";
import type { HmacSha256 } from "../../ports/hasher.js";

/** Node's synchronous HMAC: a few microseconds, where Web Crypto's verify is a thread-pool job. */
export const nodeHmacSha256: HmacSha256 = (key, data) => createHmac("sha256", key).update(data).digest();
