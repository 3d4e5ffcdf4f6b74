import type { LogFields, Logger } from "../../src/ports/logger.js";

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  msg: string;
  fields: LogFields;
}

/** A logger that keeps entries in memory, so tests can assert what was (and was not) logged. */
export function captureLogger(
  entries: LogEntry[] = [],
  base: LogFields = {},
): Logger & { entries: LogEntry[] } {
  const log =
    (level: LogEntry["level"]) =>
    (msg: string, fields: LogFields = {}) => {
      entries.push({ level, msg, fields: { ...base, ...fields } });
    };
  return {
    entries,
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    child: (fields) => captureLogger(entries, { ...base, ...fields }),
  };
}
