/** Messages between the bench and emulator-process.ts over the IPC channel. */
export type EmulatorRequest =
  | { id: number; type: "executions"; count: number }
  | { id: number; type: "park"; ms: number }
  | { id: number; type: "count" }
  | { id: number; type: "reset" };

export interface EmulatorReply {
  id: number;
  taskIds?: string[];
  /** Distinct tasks whose update was answered 200 since the last reset. */
  updated?: number;
  /** Answered task updates by status since the last reset. */
  statuses?: Record<string, number>;
}
