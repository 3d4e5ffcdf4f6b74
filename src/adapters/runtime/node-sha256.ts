import { createHash } from "node:crypto";
import type { Sha256Hex } from "../../ports/hasher.js";

/** Node's synchronous hash: microseconds, where a Web Crypto digest job costs a round trip. */
export const nodeSha256Hex: Sha256Hex = async (text) => createHash("sha256").update(text).digest("hex");
