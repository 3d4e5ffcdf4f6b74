import { importTextKeys, MAC_LENGTH, verifyAnyHmac } from "./constant-time.js";
import { fromHex, toHex, utf8 } from "./encoding.js";
import { reject } from "./failures.js";
import { getHeader } from "./headers.js";
import { once } from "./lazy.js";
import { defineScheme, type VerifierOptions } from "./scheme.js";
import { type GithubConfig, GithubSchema } from "./schemes/github.js";
import { firstSecret, hmacBytes } from "./sign-support.js";
import type { Verifier } from "./types.js";

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`, the webhook secret used as
 * UTF-8 text. GitHub signs no timestamp, so replays are stopped by dedupe on X-GitHub-Delivery.
 * The legacy SHA-1 `X-Hub-Signature` is not accepted.
 */
export const GITHUB_SIGNATURE_HEADER = "x-hub-signature-256";
export const GITHUB_DELIVERY_HEADER = "x-github-delivery";

export function createGithubVerifier(config: GithubConfig, options: VerifierOptions = {}): Verifier {
  const keys = once(() => importTextKeys(config.secrets, "SHA-256", options.hmac));
  return async (req) => {
    const header = getHeader(req.headers, GITHUB_SIGNATURE_HEADER);
    if (!header) {
      const legacy = getHeader(req.headers, "x-hub-signature")
        ? " (only the SHA-1 X-Hub-Signature is present)"
        : "";
      throw reject("github", "missing_header", `missing the X-Hub-Signature-256 header${legacy}`);
    }
    if (!header.startsWith("sha256=")) {
      throw reject("github", "wrong_algorithm", "the X-Hub-Signature-256 header does not start with sha256=");
    }
    const mac = fromHex(header.slice("sha256=".length));
    if (!mac || mac.length !== MAC_LENGTH["SHA-256"]) {
      throw reject(
        "github",
        "malformed_header",
        "the X-Hub-Signature-256 header is not sha256= and 64 lower-case hex digits",
      );
    }
    if (!(await verifyAnyHmac(await keys(), [mac], req.rawBody, MAC_LENGTH["SHA-256"]))) {
      throw reject(
        "github",
        "mismatch",
        "X-Hub-Signature-256 does not match the body with a configured secret",
      );
    }
    const delivery = getHeader(req.headers, GITHUB_DELIVERY_HEADER);
    return delivery ? { ok: true, messageId: delivery } : { ok: true };
  };
}

/** `sha256=<hex>` for X-Hub-Signature-256. */
export async function signGithub(secret: string, body: Uint8Array): Promise<string> {
  return `sha256=${toHex(await hmacBytes(utf8(secret), "SHA-256", body))}`;
}

export const githubScheme = defineScheme({
  name: "github",
  summary: "`X-Hub-Signature-256` (HMAC-SHA256 of the body); id from `X-GitHub-Delivery`",
  schema: GithubSchema,
  createVerifier: (config, options) => createGithubVerifier(config, options),
  sign: async (config, { url, body, messageId }) => ({
    url,
    body,
    headers: {
      [GITHUB_SIGNATURE_HEADER]: await signGithub(firstSecret(config.secrets), body),
      ...(messageId ? { [GITHUB_DELIVERY_HEADER]: messageId } : {}),
    },
  }),
  // GitHub signs the body only; X-GitHub-Delivery is a plain header anyone can change.
  messageIdSigned: false,
});
