import * as z from "zod";
import { DurationSchema } from "../duration.js";

/**
 * The pieces every scheme's `verify` schema is built from, so secrets, tolerances and header names
 * are checked (and their errors worded) the same way for every scheme. Custom issues carry
 * `params.fix`, which the config loader prints.
 */

export const MAX_SECRETS = 16;

export function fix(text: string) {
  return { fix: text };
}

/** A secret as written in config (after `${env:…}` interpolation). */
export const secretText = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    if (value.trim() !== value) {
      ctx.addIssue({
        code: "custom",
        message: "has leading or trailing whitespace",
        params: fix("remove it (often a trailing newline in the environment variable)"),
      });
    }
  });

/** One to {@link MAX_SECRETS} secrets: several so a rotation needs no downtime. */
export function secretList(what: string, item: z.ZodType<string> = secretText) {
  return z.array(item).superRefine((list, ctx) => {
    if (list.length === 0) {
      ctx.addIssue({
        code: "custom",
        message: `needs at least one ${what}`,
        params: fix(`add ["\${env:NAME}"] holding the ${what}`),
      });
    }
    if (list.length > MAX_SECRETS) {
      ctx.addIssue({
        code: "custom",
        message: `at most ${MAX_SECRETS} ${what}s`,
        params: fix("remove retired secrets: two (old and new) are enough for a rotation"),
      });
    }
  });
}

/** The accepted clock difference for schemes that sign a timestamp: 5 minutes unless set. */
export const tolerance = DurationSchema.refine((ms) => ms >= 1_000 && ms <= 3_600_000, {
  message: "must be between 1s and 1h",
  params: fix('use a duration such as "5m" (the providers\' own default)'),
}).prefault("5m");

/** An HTTP header name, lower-cased (headers arrive lower-cased). */
export const headerName = z
  .string()
  .superRefine((value, ctx) => {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: "is not an HTTP header name",
        params: fix('use a header name such as "x-signature"'),
      });
    }
  })
  .transform((name) => name.toLowerCase());
