import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { jsonLogger } from "../../src/adapters/runtime/json-logger.js";
import { LOCAL_API_KEY, localConfig } from "../../src/cli/local-mode.js";
import type { SchemeConfig } from "../../src/core/signatures/schema.js";
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
  seeded: ConsoleSeed;
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

/** What the seeding made, for tests to find it in the views. */
export interface ConsoleSeed {
  deadLetters: string[];
  openWait: { id: string; taskId: string };
  approvalId: string;
}

/** Polls until `probe` gives a value (not undefined or false). */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

/** Talks to a local-mode taskgate (and its emulator) over HTTP only, so scripts can use it too. */
export function consoleClient(url: string) {
  const api = (path: string, body?: unknown, method = body === undefined ? "GET" : "POST") =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${LOCAL_API_KEY}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const status = async (id: string) =>
    ((await (await api(`/v1/deliveries/${id}`)).json()) as { status: string }).status;
  const newTask = async () =>
    ((await (await api("/emulator/_emulator/executions", {})).json()) as { executedTasks: { id: string }[] })
      .executedTasks[0]!.id;
  const wait = async (extra: Record<string, unknown> = {}) => {
    const taskId = await newTask();
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
  /** A callback CDF refuses once with a 400 (nothing to reconcile with): a dead letter; a replay then succeeds. */
  const deadLetter = async () => {
    const w = await wait();
    await api("/emulator/_emulator/faults", {
      path: `/workflows/tasks/${w.taskId}/update`,
      status: 400,
      message: "Task execution is not in a state that accepts updates",
      times: 1,
    });
    const deliveryId = await callback(w.callbackUrl, { status: "COMPLETED", output: { ticket: 4711 } });
    await waitFor(`dead letter ${deliveryId}`, async () => (await status(deliveryId)) === "dead");
    return { deliveryId, taskId: w.taskId };
  };
  return { api, status, newTask, wait, callback, deadLetter };
}

/**
 * Data in every console view: delivered and dead deliveries, open waits, a parked webhook, and
 * approvals whose mail was caught, one of them half decided.
 */
export async function seedConsole(url: string, demoSource: SchemeConfig): Promise<ConsoleSeed> {
  const c = consoleClient(url);
  for (let i = 0; i < 4; i++) {
    const w = await c.wait({ output: { batch: 20 + i } });
    const id = await c.callback(w.callbackUrl, { output: { approvedBy: "qa" } });
    await waitFor(`delivery ${id}`, async () => (await c.status(id)) === "delivered");
  }
  const deadLetters = [(await c.deadLetter()).deliveryId, (await c.deadLetter()).deliveryId];
  const openWait = await c.wait({ source: "demo", correlationKey: "order-1042", ttl: "6h" });
  await c.wait({ ttl: "2h", metadata: { line: "B" } });
  const body = new TextEncoder().encode(
    JSON.stringify({ correlationKey: "order-2077", output: { shipped: true } }),
  );
  const signed = await signRequest(demoSource, {
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
  // Refused requests for the rejected-request log: a forged signature, a signature over another
  // timestamp, and a source nobody configured.
  const refusals: [string, Record<string, string>][] = [
    ["/hooks/demo", { ...signed.headers, "webhook-signature": "v1,Zm9yZ2VkLXNpZ25hdHVyZQ==" }],
    ["/hooks/demo", { ...signed.headers, "webhook-timestamp": String(Math.floor(Date.now() / 1000) - 3600) }],
    ["/hooks/stripe-live", { "stripe-signature": "t=1,v1=00" }],
  ];
  for (const [path, headers] of refusals) {
    await fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Svix-Webhooks/1.21", ...headers },
      body: signed.body,
    });
  }
  await waitFor("rejections logged", async () => {
    const listed = (await (await c.api("/v1/rejections")).json()) as { items: unknown[] };
    return listed.items.length >= refusals.length ? true : undefined;
  });
  const created = await c.api("/v1/approvals", {
    taskId: await c.newTask(),
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
  await fetch(`${url}${new URL(approval.links[1]!.url).pathname}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
    body: new URLSearchParams({ decision: "approve", comment: "Vibration trend looks normal." }),
  });
  await c.api("/v1/approvals", {
    taskId: await c.newTask(),
    title: "Publish the monthly quality report",
    approvers: [{ email: "grace.hopper@example.com", name: "Grace Hopper" }],
    policy: { kind: "any" },
  });
  await waitFor("caught mail", async () => {
    const view = (await (await c.api(`/v1/approvals/${approval.id}`)).json()) as {
      mails?: { status: string }[];
    };
    return view.mails?.every((m) => m.status === "sent");
  });
  return { deadLetters, openWait: { id: openWait.id, taskId: openWait.taskId }, approvalId: approval.id };
}

export async function startConsoleDemo(): Promise<ConsoleDemo> {
  const dir = mkdtempSync(join(tmpdir(), "taskgate-console-"));
  const config = localConfig(dir, 0);
  const emulator = createEmulator();
  const gateway = await startGateway({
    config: { ...config, forwarder: { ...config.forwarder, pollInterval: 100 } },
    port: 0,
    emulator: emulator.app,
    derivePublicUrl: true,
    logger: jsonLogger({ level: "error", write: () => {}, now: Date.now }),
  });
  const client = consoleClient(gateway.url);
  const seeded = await seedConsole(gateway.url, config.sources!.demo!.verify);
  return {
    url: gateway.url,
    gateway,
    emulator,
    seeded,
    api: client.api,
    deadLetter: client.deadLetter,
    waitFor,
    close: async () => {
      await gateway.close(2_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
