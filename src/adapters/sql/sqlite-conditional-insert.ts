/**
 * A conditional insert (insert-where.ts: `INSERT … SELECT <values> WHERE <condition>`, how a step's
 * insert depends on an earlier statement of the step without an interactive transaction) split
 * into its check and a plain `INSERT … VALUES`. SQLite runs the INSERT … SELECT form about three
 * times slower than VALUES (measured ~37 against ~12 µs a row into the audit table and its
 * indexes); the SQLite store, which runs each step inside its own synchronous transaction, checks
 * the condition first and inserts with VALUES: the same outcome, under half the cost.
 */
export interface SplitInsert {
  /** `select (<condition>) as ok`, bound to the statement's parameters after the values. */
  check: string;
  /** `insert into <table> (<columns>) values (?, …)`, bound to the first `valueCount` parameters. */
  insert: string;
  valueCount: number;
}

const QUOTED = `"(?:[^"]|"")+"`;
const VALUE = String.raw`\? as ${QUOTED}`;
const CONDITIONAL_INSERT = new RegExp(
  String.raw`^insert into (${QUOTED}) \(([^)]*)\) select ((?:${VALUE}, )*${VALUE}) where (.+)$`,
  "s",
);

/**
 * The split of an `insertWhere` statement's SQL, or null for any other statement (every value must
 * be a bound parameter; one that ends in `on conflict` or `returning` is left whole).
 */
export function splitConditionalInsert(sql: string): SplitInsert | null {
  const match = CONDITIONAL_INSERT.exec(sql);
  if (!match) return null;
  const [, table, columns, values, condition] = match as unknown as [string, string, string, string, string];
  if (/\b(on\s+conflict|returning)\b/i.test(condition)) return null;
  const valueCount = values.split("?").length - 1;
  return {
    check: `select (${condition}) as ok`,
    insert: `insert into ${table} (${columns}) values (${Array.from({ length: valueCount }, () => "?").join(", ")})`,
    valueCount,
  };
}
