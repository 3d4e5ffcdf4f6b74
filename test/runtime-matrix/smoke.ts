import { createApiAuthenticator } from "../../src/adapters/auth/api-auth.js";
import { createCdfClient } from "../../src/adapters/cdf/cdf-client.js";
import { MemoryStore } from "../../src/adapters/memory/memory-store.js";
import { createPrometheusMetrics } from "../../src/adapters/metrics/prometheus-metrics.js";
import { jsonLogger } from "../../src/adapters/runtime/json-logger.js";
import { systemClock } from "../../src/adapters/runtime/system-clock.js";
import { uuid7Ids } from "../../src/adapters/runtime/uuid7-ids.js";
import { sha256Hex } from "../../src/core/canonical-json.js";
import { TokenSigner } from "../../src/core/signed-token.js";
import { createEmulator, DEFAULT_CLIENT } from "../../src/emulator/emulator.js";
import { createApp } from "../../src/http/app.js";
import type { AppDeps } from "../../src/http/env.js";
import { claimOnlyDispatcher } from "../../src/services/claim-only-dispatcher.js";
import { DEFAULT_APPROVAL_SETTINGS } from "../../src/services/deps.js";
import { Forwarder } from "../../src/services/forwarder.js";

/**
 * The runtime-matrix smoke run: the real app on real deps (memory store, the real CDF client, the
 * CDF emulator mounted at /emulator as in local mode), driven only through `app.fetch`. It uses
 * nothing but web-standard globals, so the very same bundle runs on Node, Deno, Bun and workerd.
 * Everything random (keys, ids) is made inside `runSmoke`, never at module load: workerd forbids
 * randomness and timers in global scope.
 */

/** The steps of one run, in order; a passing report lists exactly these. */
export const SMOKE_STEPS = [
  "boot",
  "healthz",
  "create-execution",
  "create-wait",
  "callback",
  "callback-duplicate",
  "callback-forged",
  "forward",
  "task-completed",
  "delivery-delivered",
] as const;

export type SmokeStepName = (typeof SMOKE_STEPS)[number];

export interface SmokeStep {
  name: SmokeStepName;
  /** Coarse on workerd, whose clock only advances across I/O. */
  ms: number;
}

export interface SmokeReport {
  runtime: RuntimeName;
  /** The runtime's own version, where it tells (workerd does not). */
  version?: string;
  ok: boolean;
  steps: SmokeStep[];
  ms: number;
  /** On failure: which step failed, why, and the gateway's warn/error log lines. */
  failedStep?: SmokeStepName;
  error?: string;
  logs?: string[];
}

export type RuntimeName = "node" | "deno" | "bun" | "workerd" | "unknown";

/** The nominal origin of the in-process gateway: no socket is ever opened. */
const ORIGIN = "http://taskgate.smoke";
const API_KEY_NAME = "smoke";

interface RuntimeGlobals {
  Deno?: { version?: { deno?: string } };
  Bun?: { version?: string };
  navigator?: { userAgent?: string };
  process?: { versions?: { node?: string } };
}

/**
 * Which runtime this is, from globals each one documents. Deno and Bun also define `process`, so
 * they are asked first; workerd says so in `navigator.userAgent`.
 */
export function detectRuntime(): { runtime: RuntimeName; version?: string } {
  const g = globalThis as RuntimeGlobals;
  if (g.Deno?.version?.deno) return { runtime: "deno", version: g.Deno.version.deno };
  if (g.Bun?.version) return { runtime: "bun", version: g.Bun.version };
  if (g.navigator?.userAgent === "Cloudflare-Workers") return { runtime: "workerd" };
  if (g.process?.versions?.node) return { runtime: "node", version: g.process.versions.node };
  return { runtime: "unknown" };
}

class SmokeFailure extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new SmokeFailure(message);
}

type Json = Record<string, unknown>;

async function readJson(res: Response): Promise<Json> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new SmokeFailure(`expected JSON, got ${res.status}: ${text.slice(0, 200)}`);
  }
}

async function expectStatus(res: Response, status: number, what: string): Promise<Json> {
  const body = await readJson(res);
  check(res.status === status, `${what}: expected ${status}, got ${res.status} ${JSON.stringify(body)}`);
  return body;
}

function randomSecret(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}

/** Boots the app and completes one callback-URL flow; never throws, the report says what failed. */
export async function runSmoke(): Promise<SmokeReport> {
  const detected = detectRuntime();
  const { runtime } = detected;
  const started = Date.now();
  const steps: SmokeStep[] = [];
  const logs: string[] = [];
  let current: SmokeStepName = "boot";
  const step = async <T>(name: SmokeStepName, run: () => Promise<T>): Promise<T> => {
    current = name;
    const t0 = Date.now();
    const value = await run();
    steps.push({ name, ms: Date.now() - t0 });
    return value;
  };

  try {
    const apiKey = randomSecret(24);
    const auth = { authorization: `Bearer ${apiKey}` };
    const { app, emulator, forwarder } = await step("boot", async () => {
      const clock = systemClock;
      const ids = uuid7Ids(clock);
      const logger = jsonLogger({
        level: "warn",
        write: (line) => logs.push(line),
        now: clock.now,
        base: { service: "taskgate", runtime },
      });
      const emulator = createEmulator({ clock });
      let gateway: { fetch: (req: Request) => Response | Promise<Response> } | undefined;
      const cdf = createCdfClient({
        baseUrl: `${ORIGIN}/emulator`,
        project: emulator.project,
        auth: {
          type: "client_credentials",
          tokenUrl: `${ORIGIN}/emulator/oauth2/token`,
          clientId: DEFAULT_CLIENT.clientId,
          clientSecret: DEFAULT_CLIENT.clientSecret,
          scopes: [`${ORIGIN}/emulator/.default`],
        },
        // CDF is the emulator mounted in the gateway itself, as in local mode: in-process, no socket.
        fetch: async (input, init) => gateway!.fetch(new Request(input, init)),
        clock,
        random: ids.random,
        logger: logger.child({ component: "cdf" }),
        retry: { maxRetries: 1 },
        timeoutMs: 5_000,
      });
      const deps: AppDeps = {
        store: new MemoryStore(),
        cdf,
        clock,
        ids,
        logger,
        tokens: new TokenSigner([{ kid: "smoke", secret: randomSecret(32) }]),
        sha256: sha256Hex,
        publicUrl: ORIGIN,
        waits: { defaultTtlMs: 3_600_000, maxTtlMs: 24 * 3_600_000 },
        approvals: DEFAULT_APPROVAL_SETTINGS,
        minRetryWindowMs: 3_600_000,
        // Claim-only: like a Workers cron, a one-shot pass forwards what was accepted.
        dispatcher: claimOnlyDispatcher,
        authenticate: createApiAuthenticator(
          { keys: [{ name: API_KEY_NAME, sha256: await sha256Hex(apiKey) }] },
          clock,
          sha256Hex,
        ),
        bodyLimitBytes: 256 * 1024,
        clientAddress: () => null,
        version: "smoke",
        metrics: createPrometheusMetrics().metrics,
        accessLog: true,
        emulator: emulator.app,
      };
      const app = createApp(deps);
      gateway = app;
      const forwarder = new Forwarder({
        store: deps.store,
        cdf,
        clock,
        ids,
        logger: logger.child({ component: "forwarder" }),
        concurrency: 2,
        leaseMs: 30_000,
        pollIntervalMs: 1_000,
      });
      return { app, emulator, forwarder };
    });
    const call = (path: string, init?: RequestInit) =>
      Promise.resolve(app.fetch(new Request(new URL(path, ORIGIN), init)));
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      call(path, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    await step("healthz", async () => {
      const body = await expectStatus(await call("/healthz"), 200, "GET /healthz");
      check(body.status === "ok", `GET /healthz: ${JSON.stringify(body)}`);
    });

    const { executionId, taskId } = await step("create-execution", async () => {
      const exec = await expectStatus(
        await post("/emulator/_emulator/executions", {}),
        200,
        "POST /emulator/_emulator/executions",
      );
      const tasks = exec.executedTasks as { id: string; status: string }[] | undefined;
      const task = tasks?.[0];
      check(
        task?.status === "IN_PROGRESS",
        `the new execution's task is not IN_PROGRESS: ${JSON.stringify(exec)}`,
      );
      return { executionId: String(exec.id), taskId: task.id };
    });

    const { waitId, callbackUrl } = await step("create-wait", async () => {
      const wait = await expectStatus(
        await post("/v1/waits", { taskId, executionId, ttl: "1h" }, auth),
        201,
        "POST /v1/waits",
      );
      check(typeof wait.callbackUrl === "string", `no callbackUrl in ${JSON.stringify(wait)}`);
      check(wait.callbackUrl.startsWith(`${ORIGIN}/v1/callbacks/`), `odd callbackUrl ${wait.callbackUrl}`);
      return { waitId: String(wait.id), callbackUrl: wait.callbackUrl };
    });

    const result = { status: "COMPLETED", output: { approvedBy: "smoke", runtime } };
    const deliveryId = await step("callback", async () => {
      const body = await expectStatus(await post(callbackUrl, result), 202, "POST callback URL");
      check(body.outcome === "queued", `callback outcome ${JSON.stringify(body)}`);
      return String(body.deliveryId);
    });

    await step("callback-duplicate", async () => {
      const body = await expectStatus(await post(callbackUrl, result), 200, "POST callback URL again");
      check(
        body.outcome === "duplicate" && body.deliveryId === deliveryId,
        `duplicate answered ${JSON.stringify(body)}`,
      );
    });

    await step("callback-forged", async () => {
      // A well-formed token for the same wait, signed with a key the gateway does not hold.
      const forged = await new TokenSigner([{ kid: "smoke", secret: randomSecret(32) }]).sign(
        { purpose: "callback", subject: waitId, expiresAt: Date.now() + 60_000 },
        Date.now(),
        "forged",
      );
      const body = await expectStatus(await post(`/v1/callbacks/${forged}`, result), 401, "forged callback");
      const error = body.error as { code?: string } | undefined;
      check(error?.code === "token_invalid", `forged callback answered ${JSON.stringify(body)}`);
    });

    await step("forward", async () => {
      const forwarded = await forwarder.runOnce();
      check(forwarded === 1, `the forwarder forwarded ${forwarded} deliveries, expected 1`);
    });

    await step("task-completed", async () => {
      const task = await expectStatus(
        await call(`/emulator/_emulator/tasks/${encodeURIComponent(taskId)}`),
        200,
        "GET emulator task",
      );
      const output = task.output as { approvedBy?: string; taskgate?: { deliveryId?: string } } | undefined;
      check(task.status === "COMPLETED", `the CDF task is ${String(task.status)}, expected COMPLETED`);
      check(
        output?.approvedBy === "smoke",
        `the task output lacks the callback's: ${JSON.stringify(output)}`,
      );
      check(output.taskgate?.deliveryId === deliveryId, `the task output names another delivery`);
      check(emulator.getTask(taskId)?.status === "COMPLETED", "the emulator's own view disagrees");
    });

    await step("delivery-delivered", async () => {
      const delivery = await expectStatus(
        await call(`/v1/deliveries/${encodeURIComponent(deliveryId)}`, { headers: auth }),
        200,
        "GET /v1/deliveries/:id",
      );
      check(delivery.status === "delivered", `the delivery is ${String(delivery.status)}`);
    });

    return { ...detected, ok: true, steps, ms: Date.now() - started };
  } catch (err) {
    return {
      ...detected,
      ok: false,
      steps,
      ms: Date.now() - started,
      failedStep: current,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      logs,
    };
  }
}
