import type { LogFields, Logger } from "../../ports/logger.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values are never written, whoever passes them by mistake. */
const SECRET_KEY = /secret|token|authorization|password|passwd|api[-_]?key|cookie|signature/i;

export interface JsonLoggerOptions {
  level: LogLevel;
  /** Where a finished line goes (stdout on Node, console.log on Workers). */
  write: (line: string) => void;
  now: () => number;
  base?: LogFields;
}

/** One JSON object per line, with secrets redacted by field name as a last line of defence. */
export function jsonLogger(o: JsonLoggerOptions): Logger {
  const min = ORDER[o.level];
  const emit =
    (level: LogLevel) =>
    (msg: string, fields: LogFields = {}) => {
      if (ORDER[level] < min) return;
      const entry = {
        time: new Date(o.now()).toISOString(),
        level,
        msg: capString(msg),
        ...redact(o.base ?? {}),
        ...redact(fields),
      };
      o.write(JSON.stringify(entry));
    };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (fields) => jsonLogger({ ...o, base: { ...o.base, ...fields } }),
  };
}

/**
 * The longest a field is written: a 200 KB `reason` or CDF error body must not become a 200 KB
 * log line (log pipelines drop or split those, and a flood of them fills the disk).
 */
export const MAX_FIELD_CHARS = 2_000;

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = SECRET_KEY.test(key) ? "[redacted]" : cap(value instanceof Error ? value.message : value);
  }
  return out;
}

function cap(value: unknown): unknown {
  if (typeof value === "string") return capString(value);
  if (value === null || typeof value !== "object") return value;
  const text = JSON.stringify(value) ?? "";
  return text.length > MAX_FIELD_CHARS ? capString(text) : value;
}

function capString(text: string): string {
  if (text.length <= MAX_FIELD_CHARS) return text;
  return `${text.slice(0, MAX_FIELD_CHARS)}…[${text.length - MAX_FIELD_CHARS} more chars]`;
}
