import * as z from "zod";
import { fromBase64Lenient, fromHexAnyCase, toBase64, toHex } from "../encoding.js";
import { compileTemplate, createHmacVerifier, renderTemplate, secretBytes } from "../hmac-generic.js";
import { fix, headerName, secretList, tolerance } from "../schema-parts.js";
import { defineScheme } from "../scheme.js";
import { cannotSign, firstSecret, hmacBytes } from "../sign-support.js";

const HMAC_PLACEHOLDERS = ["body", "timestamp", "id"] as const;

export const HmacSchema = z
  .strictObject({
    scheme: z.literal("hmac"),
    secrets: secretList("secret"),
    /** How each secret turns into key bytes. */
    secretEncoding: z.enum(["utf8", "base64", "hex"]).default("utf8"),
    header: headerName,
    algorithm: z.enum(["SHA-256", "SHA-512"]).default("SHA-256"),
    encoding: z.enum(["hex", "base64"]).default("hex"),
    /** Text before the MAC in the header, e.g. `sha256=`. */
    prefix: z.string().max(32).default(""),
    /** When the header may carry several signatures (e.g. `,` for `v1=…,v1=…`). */
    separator: z.string().min(1).max(4).optional(),
    timestampHeader: headerName.optional(),
    timestampFormat: z.enum(["unix", "unix-ms", "iso8601"]).default("unix"),
    /** Header holding the provider's delivery id: the message id and the `{id}` placeholder. */
    idHeader: headerName.optional(),
    /** What is signed; `{body}` is the raw body bytes, `{timestamp}` and `{id}` the header values. */
    template: z.string().min(1).max(256).default("{body}"),
    tolerance,
  })
  .superRefine((config, ctx) => {
    const placeholders = [...config.template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!);
    const unknown = placeholders.filter((p) => !(HMAC_PLACEHOLDERS as readonly string[]).includes(p));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["template"],
        message: `unknown placeholder {${unknown[0]}}`,
        params: fix('use only {body}, {timestamp} and {id}, e.g. "{timestamp}.{body}"'),
      });
    }
    if (placeholders.filter((p) => p === "body").length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["template"],
        message: "must contain {body} exactly once (otherwise the body is not signed)",
        params: fix('e.g. "{body}" or "{timestamp}.{body}"'),
      });
    }
    const signsTimestamp = placeholders.includes("timestamp");
    if (signsTimestamp && !config.timestampHeader) {
      ctx.addIssue({
        code: "custom",
        path: ["timestampHeader"],
        message: "missing: the template uses {timestamp}",
        params: fix('name the header that carries it, e.g. "x-timestamp"'),
      });
    }
    if (config.timestampHeader && !signsTimestamp) {
      ctx.addIssue({
        code: "custom",
        path: ["template"],
        message: "does not contain {timestamp}, so the timestamp would not be signed and could be replayed",
        params: fix('add it, e.g. "{timestamp}.{body}", or remove timestampHeader'),
      });
    }
    if (placeholders.includes("id") && !config.idHeader) {
      ctx.addIssue({
        code: "custom",
        path: ["idHeader"],
        message: "missing: the template uses {id}",
        params: fix('name the header that carries it, e.g. "x-webhook-id"'),
      });
    }
    config.secrets.forEach((secret, i) => {
      if (config.secretEncoding === "utf8") return;
      const bytes = config.secretEncoding === "base64" ? fromBase64Lenient(secret) : fromHexAnyCase(secret);
      if (!bytes || bytes.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["secrets", i],
          message: `is not ${config.secretEncoding}`,
          params: fix(`write the secret in ${config.secretEncoding}, or set "secretEncoding": "utf8"`),
        });
      }
    });
  });

export type HmacConfig = z.output<typeof HmacSchema>;

/** The generic scheme's header value (prefix + MAC), from the same template the verifier uses. */
export async function signHmac(
  config: HmacConfig,
  secret: string,
  values: { body: Uint8Array; timestamp?: string; id?: string },
): Promise<string> {
  const key = secretBytes(secret, config.secretEncoding);
  if (!key) throw cannotSign("hmac", `the secret is not ${config.secretEncoding}`);
  const mac = await hmacBytes(
    key,
    config.algorithm,
    renderTemplate(compileTemplate(config.template), values),
  );
  return config.prefix + (config.encoding === "hex" ? toHex(mac) : toBase64(mac));
}

function formatTimestamp(now: number, format: HmacConfig["timestampFormat"]): string {
  if (format === "unix") return String(Math.floor(now / 1000));
  if (format === "unix-ms") return String(now);
  return new Date(Math.floor(now / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export const hmacScheme = defineScheme({
  name: "hmac",
  summary:
    "generic: header, SHA-256/512, hex/base64, prefix, and a template of what is signed (`{timestamp}.{body}`)",
  schema: HmacSchema,
  createVerifier: (config) => createHmacVerifier(config),
  sign: async (config, { url, body, now, messageId }) => {
    const timestamp = config.timestampHeader ? formatTimestamp(now, config.timestampFormat) : undefined;
    const headers: Record<string, string> = {
      [config.header]: await signHmac(config, firstSecret(config.secrets), {
        body,
        ...(timestamp === undefined ? {} : { timestamp }),
        ...(messageId ? { id: messageId } : {}),
      }),
    };
    if (config.timestampHeader && timestamp !== undefined) headers[config.timestampHeader] = timestamp;
    if (config.idHeader && messageId) headers[config.idHeader] = messageId;
    return { url, body, headers };
  },
  // The id comes from `idHeader`, and is signed only when the template contains `{id}`.
  messageIdSigned: (config) =>
    compileTemplate(config.template).some((part) => "placeholder" in part && part.placeholder === "id"),
});
