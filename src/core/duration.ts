import * as z from "zod";
import { TaskgateError } from "./errors.js";

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)$/;
const EXPECTED =
  'expected a whole number of milliseconds or a whole number with a unit (ms, s, m, h, d), e.g. "30s", "15m", "24h" or "7d"';

/**
 * Milliseconds from a duration as people write it in config and requests (`"30s"`, `"24h"`, or a
 * plain number of ms). Strict on purpose: `"1.5h"`, `"1h30m"` or `"10 s"` are refused rather than
 * guessed at. The message never repeats the value, which may come from the environment.
 */
export function parseDuration(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || !Number.isInteger(value)) {
      throw invalid(`not a duration: a number must be a whole number of milliseconds; ${EXPECTED}`);
    }
    if (value < 0) throw invalid("not a duration: must not be negative");
    if (!Number.isSafeInteger(value)) throw invalid("not a duration: too large");
    return value;
  }
  if (typeof value !== "string") throw invalid(`not a duration: ${EXPECTED}`);
  const text = value.trim();
  if (/^\d+$/.test(text)) return checked(Number(text));
  const match = DURATION_PATTERN.exec(text);
  if (!match) {
    if (/^-/.test(text)) throw invalid("not a duration: must not be negative");
    throw invalid(`not a duration: ${EXPECTED}`);
  }
  return checked(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

function checked(ms: number): number {
  if (!Number.isSafeInteger(ms)) throw invalid("not a duration: too large");
  return ms;
}

function invalid(message: string): TaskgateError {
  return new TaskgateError("invalid_request", message);
}

/**
 * A duration (`"30s"` or a number of ms) that parses to milliseconds; for config and request
 * bodies alike. Failures are custom issues whose message says what a duration looks like.
 */
export const DurationSchema = z
  .custom<string | number>((v) => typeof v === "string" || typeof v === "number", {
    message: `must be a duration: ${EXPECTED}`,
  })
  .transform((value, ctx): number => {
    try {
      return parseDuration(value);
    } catch (err) {
      ctx.addIssue({
        code: "custom",
        message: err instanceof TaskgateError ? err.message : `not a duration: ${EXPECTED}`,
      });
      return z.NEVER;
    }
  });
