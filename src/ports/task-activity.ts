import type { UpdateStatus } from "../core/task-status.js";

/**
 * What taskgate knows of one task: whether it already delivered an update for it, and what
 * still waits on it. A new wait or approval for a task taskgate completed can only end in a dead
 * letter; a second one for a task already waited on usually is a mistake.
 */
export interface TaskActivity {
  /** The latest update taskgate delivered to CDF for this task, if any. */
  delivered: { deliveryId: string; status: UpdateStatus; deliveredAt: number } | undefined;
  /** Open, unexpired waits on the task. */
  openWaits: number;
  /** Pending, unexpired approvals on the task. */
  pendingApprovals: number;
}
