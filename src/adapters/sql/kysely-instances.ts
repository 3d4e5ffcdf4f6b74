import { sql } from "kysely";
import type { InstanceStore, Takeover } from "../../ports/instances.js";
import type { SqlContext } from "./dialect-ops.js";
import { insertWhere } from "./insert-where.js";
import { affectedRows, type LeasedTable } from "./sql-helpers.js";

/**
 * Heartbeats and takeover over any SQL dialect. A lease owner belongs to an instance when it
 * starts with `<id>/`; `substr` compares bytes the same way in SQLite, D1 and PostgreSQL (a
 * `like` or a range would depend on escaping and collation).
 */
export class KyselyInstances implements InstanceStore {
  constructor(private readonly sql: SqlContext) {}

  async beat(instanceId: string, now: number): Promise<boolean> {
    const { db, ops } = this.sql;
    const update = db.updateTable("instances").set({ beat_at: now }).where("id", "=", instanceId).compile();
    const insert = insertWhere(
      db,
      "instances",
      { id: instanceId, started_at: now, beat_at: now },
      sql<boolean>`not exists (select 1 from instances where id = ${instanceId})`,
    );
    const [updated] = await ops.atomic(db, [update, insert]);
    return affectedRows(updated) === 1;
  }

  async takeOverStale(staleBefore: number, now: number): Promise<Takeover> {
    const { db, ops } = this.sql;
    const release = (table: LeasedTable) =>
      sql`update ${sql.table(table)}
            set lease_owner = null, lease_until = null, due_at = next_attempt_at, updated_at = ${now}
          where status = 'pending' and lease_owner is not null
            and exists (select 1 from instances i where i.beat_at < ${staleBefore}
              and substr(${sql.ref(`${table}.lease_owner`)}, 1, length(i.id) + 1) = i.id || '/')`.compile(db);
    const forget = db.deleteFrom("instances").where("beat_at", "<", staleBefore).compile();
    const [deliveries, mails, instances] = await ops.atomic(db, [
      release("deliveries"),
      release("mails"),
      forget,
    ]);
    return {
      deliveries: affectedRows(deliveries),
      mails: affectedRows(mails),
      instances: affectedRows(instances),
    };
  }

  async leave(instanceId: string): Promise<void> {
    await this.sql.db.deleteFrom("instances").where("id", "=", instanceId).execute();
  }
}
