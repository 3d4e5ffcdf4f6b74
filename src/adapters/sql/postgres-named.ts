/**
 * Statement texts PostgreSQL runs as named prepared statements: parsed and planned once per
 * connection, then only bound and executed (node-postgres keeps the per-connection bookkeeping).
 * Only statements registered here are named: the hot steps, whose text is fixed per shape and
 * whose results are counts. A `SELECT *` is never named, because a column added by another
 * replica's migration would make its cached plan fail ("cached plan must not change result
 * type") until the connection closes.
 */
export class NamedStatements {
  private readonly names = new Map<string, string>();

  /** At most `max` names per pool, so the server-side statements per connection stay bounded. */
  constructor(private readonly max = 64) {}

  /** Marks `text` to run as a named statement (a no-op once known or once `max` are named). */
  add(text: string): void {
    if (this.names.has(text) || this.names.size >= this.max) return;
    this.names.set(text, `taskgate_${this.names.size + 1}`);
  }

  /** The statement name of `text`, when it is one. */
  nameOf(text: string): string | undefined {
    return this.names.get(text);
  }
}
