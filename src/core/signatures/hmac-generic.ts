import {
  type HmacFunction,
  type HmacKey,
  importHmacKey,
  MAC_LENGTH,
  verifyAnyHmac,
} from "./constant-time.js";
import {
  concatBytes,
  fromBase64,
  fromBase64Lenient,
  fromHex,
  fromHexAnyCase,
  toBase64,
  toHex,
  utf8,
} from "./encoding.js";
import { misconfigured, reject } from "./failures.js";
import { getHeader } from "./headers.js";
import { once } from "./lazy.js";
import { defineScheme, type VerifierOptions } from "./scheme.js";
import { type HmacConfig, HmacSchema } from "./schemes/hmac.js";
import { cannotSign, firstSecret, hmacBytes } from "./sign-support.js";
import { checkTolerance, parseIsoTimestamp, parseUnixMillis, parseUnixSeconds } from "./timestamp.js";
import { MAX_SIGNATURES, type Verifier } from "./types.js";

/**
 * The generic HMAC scheme, for the many providers that sign "some header = prefix + MAC of
 * (timestamp, id, body) glued together" (Linear, Typeform, Zendesk, PagerDuty, Teams outgoing
 * webhooks, in-house systems): header, SHA-256/512, hex/base64, prefix, optional separator for
 * several signatures, optional timestamp and id headers, and a template of what is signed.
 */

type Part = { literal: Uint8Array } | { placeholder: "body" | "timestamp" | "id" };

/** Splits `{timestamp}.{body}` into literal bytes and placeholders once, at start-up. */
export function compileTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(body|timestamp|id)\}/g)) {
    if (match.index > last) parts.push({ literal: utf8(template.slice(last, match.index)) });
    parts.push({ placeholder: match[1] as "body" | "timestamp" | "id" });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ literal: utf8(template.slice(last)) });
  return parts;
}

/** The signed bytes: the body goes in raw, never decoded and re-encoded. */
export function renderTemplate(
  parts: readonly Part[],
  values: { body: Uint8Array; timestamp?: string; id?: string },
): Uint8Array<ArrayBuffer> {
  return concatBytes(
    ...parts.map((part) => {
      if ("literal" in part) return part.literal;
      if (part.placeholder === "body") return values.body;
      return utf8(values[part.placeholder] ?? "");
    }),
  );
}

/** Key bytes of a configured secret in its declared encoding. */
export function secretBytes(
  secret: string,
  encoding: HmacConfig["secretEncoding"],
): Uint8Array<ArrayBuffer> | undefined {
  if (encoding === "utf8") return utf8(secret);
  return encoding === "base64" ? fromBase64Lenient(secret) : fromHexAnyCase(secret);
}

function importGenericKeys(config: HmacConfig, sync?: HmacFunction): Promise<HmacKey[]> {
  return Promise.all(
    config.secrets.map(async (secret) => {
      const bytes = secretBytes(secret, config.secretEncoding);
      if (!bytes) throw misconfigured("hmac", `a secret is not ${config.secretEncoding}`);
      return importHmacKey(bytes, config.algorithm, sync);
    }),
  );
}

export function createHmacVerifier(config: HmacConfig, options: VerifierOptions = {}): Verifier {
  const keys = once(() => importGenericKeys(config, options.hmac));
  const parts = compileTemplate(config.template);
  const usesId = parts.some((p) => "placeholder" in p && p.placeholder === "id");
  const macLength = MAC_LENGTH[config.algorithm];

  return async (req, ctx) => {
    const header = getHeader(req.headers, config.header);
    if (!header) throw reject("hmac", "missing_header", `missing the ${config.header} header`);
    const macs = parseSignatures(config, header);

    let timestamp: { raw: string; ms: number } | undefined;
    if (config.timestampHeader) {
      const raw = getHeader(req.headers, config.timestampHeader);
      if (!raw) throw reject("hmac", "missing_header", `missing the ${config.timestampHeader} header`);
      const ms = parseTimestamp(raw, config.timestampFormat);
      if (ms === undefined) {
        throw reject(
          "hmac",
          "malformed_timestamp",
          `the ${config.timestampHeader} header is not a ${config.timestampFormat} timestamp`,
        );
      }
      timestamp = { raw, ms };
    }
    const id = config.idHeader ? getHeader(req.headers, config.idHeader) : undefined;
    if (usesId && !id) throw reject("hmac", "missing_header", `missing the ${config.idHeader} header`);

    const signed = renderTemplate(parts, {
      body: req.rawBody,
      ...(timestamp ? { timestamp: timestamp.raw } : {}),
      ...(id ? { id } : {}),
    });
    if (!(await verifyAnyHmac(await keys(), macs, signed, macLength))) {
      throw reject(
        "hmac",
        "mismatch",
        `${config.header} does not match the signed content with a configured secret`,
      );
    }
    if (timestamp) checkTolerance("hmac", timestamp.ms, ctx.now, ctx.toleranceMs ?? config.tolerance);
    return {
      ok: true,
      ...(id ? { messageId: id } : {}),
      ...(timestamp ? { timestamp: timestamp.ms } : {}),
    };
  };
}

function parseTimestamp(raw: string, format: HmacConfig["timestampFormat"]): number | undefined {
  if (format === "unix") {
    const seconds = parseUnixSeconds(raw);
    return seconds === undefined ? undefined : seconds * 1000;
  }
  return format === "unix-ms" ? parseUnixMillis(raw) : parseIsoTimestamp(raw);
}

/**
 * Entries without the configured prefix are skipped when a separator allows several (a `v0=`
 * next to `v1=`); a lone signature without it is the wrong algorithm or format.
 */
function parseSignatures(config: HmacConfig, header: string): Uint8Array[] {
  const entries = config.separator ? header.split(config.separator).map((e) => e.trim()) : [header];
  if (entries.length > MAX_SIGNATURES) {
    throw reject(
      "hmac",
      "malformed_header",
      `the ${config.header} header carries more than ${MAX_SIGNATURES} signatures`,
    );
  }
  const prefixed = entries.filter((e) => e.startsWith(config.prefix));
  if (prefixed.length === 0) {
    throw reject(
      "hmac",
      "wrong_algorithm",
      `the ${config.header} header does not start with the configured prefix`,
    );
  }
  const macs = prefixed
    .map((e) => e.slice(config.prefix.length))
    .map((text) => (config.encoding === "hex" ? fromHex(text) : fromBase64(text)))
    .filter((mac): mac is Uint8Array<ArrayBuffer> => mac !== undefined);
  if (macs.length === 0) {
    throw reject(
      "hmac",
      "malformed_header",
      `the ${config.header} header does not hold a ${config.encoding} MAC`,
    );
  }
  return macs;
}

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
  createVerifier: (config, options) => createHmacVerifier(config, options),
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
