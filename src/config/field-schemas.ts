import * as z from "zod";
import { DurationSchema } from "../core/duration.js";
import { isLoopbackHost } from "../core/loopback.js";
import { hint } from "./hints.js";

/**
 * Field builders shared by the config sections: each carries its own hint, so a problem with a
 * URL, duration or number names the fix the same way wherever the field appears.
 */

/** A fix attached to a custom issue; parse.ts prefers it over any hint. */
export function fixParams(fix: string) {
  return { fix };
}

/**
 * What is wrong with a URL, if anything. `outbound`: taskgate sends secrets or trusts answers
 * there (CDF, token and JWKS endpoints, a mail API), so plain http is refused except on loopback.
 */
function httpUrlError(value: string, outbound = false): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute http(s) URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an http(s) URL";
  if (url.username !== "" || url.password !== "") return "must not contain a user name or password";
  if (outbound && url.protocol === "http:" && !isLoopbackHost(url.hostname))
    return "must be https (plain http only for localhost)";
  return undefined;
}

/** An absolute https URL taskgate calls (http only on loopback), kept as written (token and JWKS endpoints may carry a query). */
export function httpUrl(example: string) {
  return hint(
    z.string().superRefine((value, ctx) => {
      const error = httpUrlError(value, true);
      if (error)
        ctx.addIssue({ code: "custom", message: error, params: fixParams(`use a URL like ${example}`) });
    }),
    { example: JSON.stringify(example) },
  );
}

/**
 * A URL other paths are appended to: no query or fragment, and no trailing slash afterwards.
 * `outbound` (taskgate calls it): https only, except loopback.
 */
export function baseUrl(example: string, options: { outbound?: boolean } = {}) {
  return hint(
    z
      .string()
      .superRefine((value, ctx) => {
        let error = httpUrlError(value, options.outbound);
        if (!error) {
          const url = new URL(value);
          if (url.search !== "" || url.hash !== "" || value.includes("?") || value.includes("#")) {
            error = "must not have a query or fragment";
          }
        }
        if (error)
          ctx.addIssue({ code: "custom", message: error, params: fixParams(`use a URL like ${example}`) });
      })
      .transform((value) => new URL(value).href.replace(/\/+$/, "")),
    { example: JSON.stringify(example) },
  );
}

export function nonEmpty(example: string, fix?: string) {
  return hint(z.string().min(1), fix === undefined ? { example } : { example, fix });
}

export function duration(fallback: string, what: string) {
  return hint(
    DurationSchema.refine((ms) => ms > 0, {
      message: "must be longer than 0",
      params: fixParams(`use a positive duration, e.g. "${fallback}"`),
    }).prefault(fallback),
    { example: `"${fallback}"`, fix: `write ${what} as a duration such as "${fallback}"` },
  );
}

/** A duration, or "off" (also 0): kept for ever. Parses to milliseconds, 0 meaning off. */
export function durationOrOff(fallback: string, what: string) {
  return hint(z.preprocess((v) => (v === "off" ? 0 : v), DurationSchema).prefault(fallback), {
    example: `"${fallback}"`,
    fix: `write ${what} as a duration such as "${fallback}", or "off"`,
  });
}

export function int(min: number, max: number, fallback: number) {
  return hint(z.int().min(min).max(max).default(fallback), {
    example: String(fallback),
    fix: `use a whole number from ${min} to ${max}`,
  });
}

/** Reports entries of a list whose `field` repeats an earlier entry's, naming the first by index. */
export function uniqueBy<T>(field: keyof T & string, fix: string) {
  return (items: readonly T[], ctx: z.RefinementCtx) => {
    const first = new Map<unknown, number>();
    items.forEach((item, i) => {
      const value = item[field];
      const seen = first.get(value);
      if (seen === undefined) first.set(value, i);
      else {
        ctx.addIssue({
          code: "custom",
          path: [i, field],
          message: `duplicate ${field} (entry [${seen}] has the same)`,
          params: fixParams(fix),
        });
      }
    });
  };
}
