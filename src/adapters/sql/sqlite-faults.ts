/** Busy or locked past busy_timeout, or an I/O error (a full or failing disk): try again later. */
export function isSqliteFault(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED|IOERR|FULL)/.test(code);
}
