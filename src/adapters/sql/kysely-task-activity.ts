import type { UpdateStatus } from "../../core/task-status.js";
import type { TaskActivity } from "../../ports/task-activity.js";
import type { SqlContext } from "./dialect-ops.js";
import { OPEN } from "./sql-helpers.js";

/** What taskgate knows of one task: three indexed reads (deliveries, waits, approvals by task). */
export async function taskActivity({ db }: SqlContext, taskId: string, now: number): Promise<TaskActivity> {
  const [delivered, waits, approvals] = await Promise.all([
    db
      .selectFrom("deliveries")
      .select(["id", "update_json", "delivered_at"])
      .where("task_id", "=", taskId)
      .where("status", "=", "delivered")
      .orderBy("delivered_at", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom("waits")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("task_id", "=", taskId)
      .where("status", "=", OPEN)
      .where("expires_at", ">", now)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("approvals")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("task_id", "=", taskId)
      .where("status", "=", "pending")
      .where("expires_at", ">", now)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    delivered: delivered && {
      deliveryId: delivered.id,
      status: (JSON.parse(delivered.update_json) as { status: UpdateStatus }).status,
      deliveredAt: Number(delivered.delivered_at ?? 0),
    },
    // PostgreSQL answers count(*) as a bigint string.
    openWaits: Number(waits.n),
    pendingApprovals: Number(approvals.n),
  };
}
