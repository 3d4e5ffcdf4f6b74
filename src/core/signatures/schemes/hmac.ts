import * as z from "zod";
import { fromBase64Lenient, fromHexAnyCase } from "../encoding.js";
import { fix, headerName, secretList, tolerance } from "../schema-parts.js";

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
