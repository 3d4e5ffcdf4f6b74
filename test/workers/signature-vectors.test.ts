import { describeVectorVerification } from "../support/signature-vectors.js";

/**
 * The known-answer vectors inside workerd, where the verifiers have no synchronous HMAC and use
 * Web Crypto: the same suite as on Node (src/core/signatures/vectors.test.ts), which also runs it
 * with node:crypto's HMAC.
 */
describeVectorVerification("workerd Web Crypto", {});
