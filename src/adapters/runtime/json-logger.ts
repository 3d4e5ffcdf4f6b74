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
        msg,
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

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = SECRET_KEY.test(key) ? "[redacted]" : value instanceof Error ? value.message : value;
  }
  return out;
}
