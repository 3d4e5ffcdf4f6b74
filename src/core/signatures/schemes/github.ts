import * as z from "zod";
import { toHex, utf8 } from "../encoding.js";
import { createGithubVerifier, GITHUB_DELIVERY_HEADER, GITHUB_SIGNATURE_HEADER } from "../github.js";
import { secretList } from "../schema-parts.js";
import { defineScheme } from "../scheme.js";
import { firstSecret, hmacBytes } from "../sign-support.js";

export const GithubSchema = z.strictObject({
  scheme: z.literal("github"),
  secrets: secretList("webhook secret"),
});

export type GithubConfig = z.output<typeof GithubSchema>;

/** `sha256=<hex>` for X-Hub-Signature-256. */
export async function signGithub(secret: string, body: Uint8Array): Promise<string> {
  return `sha256=${toHex(await hmacBytes(utf8(secret), "SHA-256", body))}`;
}

export const githubScheme = defineScheme({
  name: "github",
  summary: "`X-Hub-Signature-256` (HMAC-SHA256 of the body); id from `X-GitHub-Delivery`",
  schema: GithubSchema,
  createVerifier: (config) => createGithubVerifier(config),
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
