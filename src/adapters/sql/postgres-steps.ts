import { type CompiledQuery, type Kysely, type RawBuilder, sql } from "kysely";
import type { AuditDraft } from "../../core/audit/entry.js";
import type { AcceptCallbackInput, AttemptOutcome } from "../../ports/store.js";
import { auditToRow } from "./kysely-audit.js";
import { recordUpdate, recordValues } from "./kysely-forwarding.js";
import { closeWait, closeWaitValues, hasDedupeKey } from "./kysely-intake.js";
import { prepared, slot } from "./prepared.js";
import { attemptToRow, deliveryToRow } from "./rows.js";
import type { Database } from "./schema.js";

/**
 * The two hot steps of PostgreSQL as one statement each, so each costs one round trip instead of
 * BEGIN, three statements and COMMIT. A single statement is atomic on its own, and its
 * data-modifying CTEs all run or none does. They share one snapshot and so cannot see each
 * other's rows: every later part is conditioned on an earlier part's RETURNING, never on a
 * re-read of the table (which is what the portable steps in kysely-intake.ts and
 * kysely-forwarding.ts do inside a transaction).
 *
 * Their result is one row of counts. Their text depends only on the step's shape (dedupe check,
 * outcome kind, number of audit entries), so it is built once (prepared.ts) and run as a named
 * prepared statement (postgres-named.ts).
 */

/** accept: close the wait if open → insert the delivery if it closed → its audit entries likewise. */
export function acceptStatement(
  db: Kysely<Database>,
  { waitId, now, delivery, audit = [] }: AcceptCallbackInput,
): CompiledQuery {
  const dedupe = hasDedupeKey(delivery);
  const row = prefixed("d:", deliveryToRow(delivery));
  const entries = audit.map((d, i) => prefixed(`a${i}:`, auditToRow(d)));
  return prepared(
    db,
    `pg accept${dedupe ? " unless seen" : ""} +${entries.length} audit`,
    (db) =>
      sql`with closed as (${closeWait(db, dedupe).returning("id")}),
        delivery as (${insertIfAny("deliveries", row, "closed")})
        ${auditParts(entries, "closed")}
        select count(*) as closed from closed`.compile(db),
    { ...closeWaitValues(waitId, delivery, now), ...row, ...Object.assign({}, ...entries) },
  );
}

/**
 * record an attempt: update the delivery if `owner` still holds its lease (fencing) → insert the
 * attempt if it did → the audit entries likewise.
 */
export function recordStatement(
  db: Kysely<Database>,
  id: string,
  owner: string,
  now: number,
  outcome: AttemptOutcome,
  audit: readonly AuditDraft[] = [],
): CompiledQuery {
  const row = prefixed("t:", attemptToRow(outcome.attempt));
  const entries = audit.map((d, i) => prefixed(`a${i}:`, auditToRow(d)));
  return prepared(
    db,
    `pg record ${outcome.kind} +${entries.length} audit`,
    (db) =>
      sql`with updated as (${recordUpdate(db, outcome.kind).returning("id")}),
        inserted as (${insertIfAny("attempts", row, "updated")} returning 1)
        ${auditParts(entries, "inserted")}
        select (select count(*) from updated) as updated, (select count(*) from inserted) as inserted`.compile(
        db,
      ),
    { ...recordValues(id, owner, now, outcome), ...row, ...Object.assign({}, ...entries) },
  );
}

/** A row's values under slot names `prefix + column`, so several rows fill one statement. */
function prefixed(prefix: string, row: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([column, value]) => [prefix + column, value]));
}

/** `INSERT INTO table SELECT <slots> WHERE EXISTS (SELECT 1 FROM <cte>)`, columns from the slots. */
function insertIfAny(
  table: keyof Database & string,
  slots: Record<string, unknown>,
  cte: string,
): RawBuilder<unknown> {
  const names = Object.keys(slots);
  const columns = names.map((n) => n.slice(n.indexOf(":") + 1));
  const values = names.map((n, i) => sql`${slot(n)} as ${sql.ref(columns[i]!)}`);
  return sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
    select ${sql.join(values)} where exists (select 1 from ${sql.table(cte)})`;
}

/** `, a0 as (insert into audit …), a1 as (…)`: each entry only if `cte` returned a row. */
function auditParts(entries: Record<string, unknown>[], cte: string) {
  return sql.join(
    entries.map((e, i) => sql`, ${sql.raw(`a${i}`)} as (${insertIfAny("audit", e, cte)})`),
    sql``,
  );
}
