import type { Insertable, Selectable } from "kysely";
import type { ErrorCode } from "../../core/errors.js";
import type { Page } from "../../ports/page.js";
import type {
  RejectedRoute,
  RejectionFilter,
  RejectionRecord,
  RejectionStore,
} from "../../ports/rejection-store.js";
import type { SqlContext } from "./dialect-ops.js";
import type { RejectionsTable } from "./schema.js";
import { affectedRows } from "./sql-helpers.js";

/**
 * Rows per INSERT statement: D1 binds at most 100 parameters per statement, and a row has 11.
 * A batch of 200 rejections is then 23 statements in one transaction (one D1 batch).
 */
const ROWS_PER_STATEMENT = 9;

/** The cursor names the last row of a page by (at, id): the next page starts just below it. */
export function rejectionCursor(r: Pick<RejectionRecord, "at" | "id">): string {
  return `${r.at}_${r.id}`;
}

function parseCursor(cursor: string): { at: number; id: string } | undefined {
  const cut = cursor.indexOf("_");
  const at = Number(cursor.slice(0, cut));
  return cut > 0 && Number.isSafeInteger(at) ? { at, id: cursor.slice(cut + 1) } : undefined;
}

/** The rejected-request log over Kysely, for every SQL dialect. */
export class KyselyRejectionStore implements RejectionStore {
  constructor(private readonly sql: SqlContext) {}

  async insertRejections(rows: readonly RejectionRecord[]): Promise<void> {
    if (rows.length === 0) return;
    const { db, ops } = this.sql;
    const statements = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const values = rows.slice(i, i + ROWS_PER_STATEMENT).map(rejectionToRow);
      statements.push(db.insertInto("rejections").values(values).compile());
    }
    await ops.atomic(db, statements);
  }

  async listRejections(filter: RejectionFilter): Promise<Page<RejectionRecord>> {
    let q = this.sql.db.selectFrom("rejections").selectAll();
    if (filter.source) q = q.where("source", "=", filter.source);
    if (filter.code) q = q.where("code", "=", filter.code);
    if (filter.since !== undefined) q = q.where("at", ">=", filter.since);
    const after = filter.cursor ? parseCursor(filter.cursor) : undefined;
    if (after) q = q.where((eb) => eb(eb.refTuple("at", "id"), "<", eb.tuple(after.at, after.id)));
    const rows = await q
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .limit(filter.limit + 1)
      .execute();
    const items = rows.slice(0, filter.limit).map(rejectionFromRow);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > filter.limit && last ? rejectionCursor(last) : null };
  }

  async trimRejections(keep: number): Promise<number> {
    const { db } = this.sql;
    // The newest row that goes: everything at or below it (by at, id) is deleted.
    const cut = await db
      .selectFrom("rejections")
      .select(["at", "id"])
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .offset(Math.max(0, keep))
      .executeTakeFirst();
    if (!cut) return 0;
    const result = await db
      .deleteFrom("rejections")
      .where((eb) => eb(eb.refTuple("at", "id"), "<=", eb.tuple(Number(cut.at), cut.id)))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async purgeRejectionsBefore(before: number, limit = 1_000): Promise<number> {
    const { db, ops } = this.sql;
    const oldest = db
      .selectFrom("rejections")
      .select("id")
      .where("at", "<", before)
      .orderBy("at")
      .limit(limit);
    const [result] = await ops.atomic(db, [db.deleteFrom("rejections").where("id", "in", oldest).compile()]);
    return affectedRows(result);
  }

  async countRejections(before?: number): Promise<number> {
    let query = this.sql.db.selectFrom("rejections").select((eb) => eb.fn.countAll().as("n"));
    if (before !== undefined) query = query.where("at", "<", before);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function rejectionToRow(r: RejectionRecord): Insertable<RejectionsTable> {
  return {
    id: r.id,
    at: r.at,
    route: r.route,
    source: r.source,
    code: r.code,
    status: r.status,
    client_ip: r.clientIp,
    user_agent: r.userAgent,
    header_names: JSON.stringify(r.headerNames),
    body_size: r.bodySize,
    body_sha256: r.bodySha256,
  };
}

function rejectionFromRow(r: Selectable<RejectionsTable>): RejectionRecord {
  return {
    id: r.id,
    at: Number(r.at),
    route: r.route as RejectedRoute,
    source: r.source,
    code: r.code as ErrorCode,
    status: Number(r.status),
    clientIp: r.client_ip,
    userAgent: r.user_agent,
    headerNames: JSON.parse(r.header_names) as string[],
    bodySize: r.body_size === null ? null : Number(r.body_size),
    bodySha256: r.body_sha256,
  };
}
