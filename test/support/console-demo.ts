import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { jsonLogger } from "../../src/adapters/runtime/json-logger.js";
import { LOCAL_API_KEY, localConfig } from "../../src/cli/local-mode.js";
import { signRequest } from "../../src/core/signatures/sign.js";
import { createEmulator, type Emulator } from "../../src/emulator/emulator.js";
import { type RunningGateway, startGateway } from "../../src/node.js";

/**
 * A local-mode taskgate (temp SQLite, the CDF emulator inside, the capturing mailer) with data
 * in every console view: delivered and dead deliveries, open and closed waits, a parked webhook,
 * approvals with caught mail. The console's browser test and `npm run screenshots` both use it.
 */
export interface ConsoleDemo {
  url: string;
  gateway: RunningGateway;
  emulator: Emulator;
  /** What the demo made, for tests to find it in the views. */
  seeded: {
    deadLetters: string[];
    openWait: { id: string; taskId: string };
    approvalId: string;
  };
  api(path: string, body?: unknown, method?: string): Promise<Response>;
  /** A callback that CDF refuses for good: returns the dead letter's id and its task id once it is dead. */
  deadLetter(): Promise<{ deliveryId: string; taskId: string }>;
  waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined> | T | undefined,
    timeoutMs?: number,
  ): Promise<T>;
  close(): Promise<void>;
}

export async function startConsoleDemo(o: { quiet?: boolean } = {}): Promise<ConsoleDemo> {
  const dir = mkdtempSync(join(tmpdir(), "taskgate-console-"));
  const config = localConfig(dir, 0);
  const emulator = createEmulator();
  const gateway = await startGateway({
    config: { ...config, forwarder: { ...config.forwarder, pollInterval: 100 } },
    port: 0,
    emulator: emulator.app,
    derivePublicUrl: true,
    ...(o.quiet === false ? {} : { logger: jsonLogger({ level: "error", write: () => {}, now: Date.now }) }),
  });
  const url = gateway.url;
  const api = (path: string, body?: unknown, method = body === undefined ? "GET" : "POST") =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${LOCAL_API_KEY}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const waitFor = async <T>(
    what: string,
    probe: () => Promise<T | undefined> | T | undefined,
    timeoutMs = 10_000,
  ) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await delay(50);
    }
  };
  const status = async (id: string) =>
    ((await (await api(`/v1/deliveries/${id}`)).json()) as { status: string }).status;
  const newTask = () => emulator.createExecution().executedTasks[0]!.id;
  const wait = async (extra: Record<string, unknown> = {}) => {
    const taskId = newTask();
    const res = await api("/v1/waits", { taskId, ...extra });
    if (res.status !== 201) throw new Error(`wait: ${res.status} ${await res.text()}`);
    return { ...((await res.json()) as { id: string; callbackUrl: string }), taskId };
  };
  const callback = async (callbackUrl: string, body: unknown) => {
    const res = await fetch(`${url}${new URL(callbackUrl).pathname}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return ((await res.json()) as { deliveryId: string }).deliveryId;
  };
  const deadLetter = async () => {
    const w = await wait();
    emulator.faults.add({
      path: `/workflows/tasks/${w.taskId}/update`,
      status: 400,
      message: "Task execution is not in a state that accepts updates",
      times: 0,
    });
    const deliveryId = await callback(w.callbackUrl, { status: "COMPLETED", output: { ticket: 4711 } });
    await waitFor(
      `dead letter ${deliveryId}`,
      async () => (await status(deliveryId)) === "dead" || undefined,
    );
    emulator.faults.clear();
    return { deliveryId, taskId: w.taskId };
  };

  // Delivered: callbacks CDF accepted.
  for (let i = 0; i < 4; i++) {
    const w = await wait({ output: { batch: 20 + i } });
    const id = await callback(w.callbackUrl, { output: { approvedBy: "qa" } });
    await waitFor(`delivery ${id}`, async () => (await status(id)) === "delivered" || undefined);
  }
  const deadLetters = [(await deadLetter()).deliveryId, (await deadLetter()).deliveryId];
  // Open waits, one of them for a webhook source and key.
  const openWait = await wait({ source: "demo", correlationKey: "order-1042", ttl: "6h" });
  await wait({ ttl: "2h", metadata: { line: "B" } });
  // A webhook with no wait yet: parked.
  const body = new TextEncoder().encode(
    JSON.stringify({ correlationKey: "order-2077", output: { shipped: true } }),
  );
  const signed = await signRequest(config.sources!.demo!.verify, {
    url: `${url}/hooks/demo`,
    body,
    now: Date.now(),
    messageId: `msg_${crypto.randomUUID()}`,
  });
  const hook = await fetch(signed.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...signed.headers },
    body: signed.body,
  });
  if (hook.status !== 202) throw new Error(`webhook: ${hook.status} ${await hook.text()}`);
  // Approvals: mailed to two people (caught), one has decided.
  const created = await api("/v1/approvals", {
    taskId: newTask(),
    title: "Restart pump P-101 after service",
    description: "Pump P-101 was serviced on Monday; check the vibration trend, then approve.",
    approvers: [
      { email: "ada.lovelace@example.com", name: "Ada Lovelace" },
      { email: "bo.berg@example.com", name: "Bo Berg" },
    ],
    policy: { kind: "all" },
    ttl: "8h",
  });
  if (created.status !== 201) throw new Error(`approval: ${created.status} ${await created.text()}`);
  const approval = (await created.json()) as { id: string; links: { url: string }[] };
  const link = approval.links[0]!.url;
  await fetch(`${url}${new URL(link).pathname}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
    body: new URLSearchParams({ decision: "approve", comment: "Vibration trend looks normal." }),
  });
  await api("/v1/approvals", {
    taskId: newTask(),
    title: "Publish the monthly quality report",
    approvers: [{ email: "grace.hopper@example.com", name: "Grace Hopper" }],
    policy: { kind: "any" },
  });
  await waitFor("caught mail", async () => {
    const mails =
      gateway.app &&
      (await fetch(`${url}/v1/approvals/${approval.id}`, {
        headers: { authorization: `Bearer ${LOCAL_API_KEY}` },
      }));
    const view = (await mails.json()) as { mails?: { status: string }[] };
    return view.mails?.every((m) => m.status === "sent") || undefined;
  });

  return {
    url,
    gateway,
    emulator,
    seeded: { deadLetters, openWait: { id: openWait.id, taskId: openWait.taskId }, approvalId: approval.id },
    api,
    deadLetter,
    waitFor,
    close: async () => {
      await gateway.close(2_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
