import { startEmulatorServer } from "../src/emulator/serve-node.js";
import type { EmulatorReply, EmulatorRequest } from "./emulator-protocol.js";

/**
 * The CDF emulator in its own process, so the load generator never shares an event loop with it.
 * Driven over the IPC channel by emulator-child.ts: it makes executions in bulk, parks or releases
 * task updates, and counts the task updates it answered. Finished entries are dropped from the
 * request log as they are counted, so it holds no 1 KB body per forwarded callback.
 */

const UPDATE_PATH = /\/workflows\/tasks\/([^/]+)\/update$/;
// No limit on concurrent requests (CDF's is 50): the calls a stopped gateway left parked stay in
// flight here until their park ends, and would count against the next scenario's gateway.
const server = await startEmulatorServer({ port: 0, maxConcurrentRequests: 0 });
const { emulator } = server;
/** Tasks whose update was answered 200, by the first such arrival. */
const updated = new Set<string>();
const statuses: Record<string, number> = {};

function scan(): void {
  const log = emulator.requests;
  const inFlight = log.filter((e) => e.status === 0);
  for (const e of log) {
    if (e.status === 0 || e.method !== "POST") continue;
    const m = UPDATE_PATH.exec(e.path);
    if (!m) continue;
    statuses[e.status] = (statuses[e.status] ?? 0) + 1;
    if (e.status === 200) updated.add(m[1]!);
  }
  log.length = 0;
  log.push(...inFlight);
}

function handle(msg: EmulatorRequest): EmulatorReply {
  switch (msg.type) {
    case "executions": {
      const taskIds: string[] = [];
      for (let i = 0; i < msg.count; i++) taskIds.push(emulator.createExecution().executedTasks[0]!.id);
      return { id: msg.id, taskIds };
    }
    case "park":
      // Every task update waits this long before it is answered: the forwarder sits idle on its
      // in-flight calls, so the gateway's figures are the accept path alone.
      emulator.faults.clear();
      if (msg.ms > 0)
        emulator.faults.add({ method: "POST", path: "/workflows/tasks/", latencyMs: msg.ms, times: 0 });
      return { id: msg.id };
    case "count":
      scan();
      return { id: msg.id, updated: updated.size, statuses: { ...statuses } };
    case "reset":
      scan();
      emulator.reset();
      updated.clear();
      for (const k of Object.keys(statuses)) delete statuses[k];
      return { id: msg.id };
  }
}

process.on("message", (msg: EmulatorRequest) => process.send?.(handle(msg)));
process.once("disconnect", () => void server.close().finally(() => process.exit(0)));
process.stdout.write(`${JSON.stringify({ msg: "emulator listening", url: server.url })}\n`);
