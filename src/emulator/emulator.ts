import type { Context } from "hono";
import { Hono } from "hono";
import { systemClock } from "../adapters/runtime/system-clock.js";
import type { Clock } from "../ports/clock.js";
import {
  CDF_MAX_CONCURRENT_REQUESTS,
  CdfHttpError,
  cdfErrorResponse,
  EmulatorConnectionDropped,
} from "./cdf-errors.js";
import type { ClientCredentials, EmulatorConfig, EmulatorEnv, EmulatorState } from "./context.js";
import { WorkflowEngine } from "./engine.js";
import { type Fault, FaultList, type FaultSpec, FaultSpecSchema } from "./faults.js";
import { IdentityProvider } from "./idp.js";
import { RequestLog, type RequestLogEntry } from "./request-log.js";
import { type AdminExecutionInput, AdminExecutionSchema, parseWith } from "./request-schemas.js";
import { registerAdminRoutes } from "./routes-admin.js";
import { registerCdfRoutes } from "./routes-cdf.js";
import { registerIdpRoutes } from "./routes-idp.js";
import { SessionStore } from "./sessions.js";
import { assertTaskId, parseTaskUpdate, type TaskUpdateBody } from "./task-update.js";
import { traffic } from "./traffic.js";
import { adminTasksToInput } from "./workflow-definition.js";
import type { TaskExecution, WorkflowExecutionDetail } from "./workflow-types.js";

export interface EmulatorOptions {
  clock?: Clock;
  /** The one CDF project the emulator serves; default `"emulator"`. */
  project?: string;
  /** Accepted OAuth clients; default `[{clientId: "taskgate-local", clientSecret: "local-secret"}]`. */
  clients?: ClientCredentials[];
  /** Default 3600. */
  tokenLifetimeSeconds?: number;
  /** CDF API requests answered at once before a 429; default 50 (CDF's limit); 0: no limit. */
  maxConcurrentRequests?: number;
  /** Called by a `drop` fault to cut the connection (the Node server destroys the socket). */
  dropConnection?: (c: Context) => void;
}

/** The admin shortcut's input: CDF task shapes with `type`/`parameters` optional. */
export type CreateExecutionInput = AdminExecutionInput;

export interface Emulator {
  /** Mount anywhere: `parent.route("/emulator", emulator.app)`. */
  readonly app: Hono<EmulatorEnv>;
  readonly project: string;
  readonly clients: readonly ClientCredentials[];
  /** The request log (CDF API and token calls); kept in place across `reset()`. */
  readonly requests: RequestLogEntry[];
  readonly faults: {
    add(spec: FaultSpec): Fault;
    clear(): void;
    list(): Fault[];
  };
  /** Mutable; changes apply to tokens issued afterwards. */
  readonly config: EmulatorConfig;
  /** Every token issued so far stops working; the next API call with one answers 401. */
  revokeTokens(): void;
  /** Forgets workflows, executions, sessions, faults and the log; restores the config. Tokens stay valid. */
  reset(): void;
  /** Creates the workflow and version and runs it without a session (default: one async task). */
  createExecution(input?: CreateExecutionInput): WorkflowExecutionDetail;
  getExecution(id: string): WorkflowExecutionDetail | undefined;
  getTask(id: string): TaskExecution | undefined;
  /** "Update task status" with every check the HTTP endpoint makes; throws `CdfHttpError`. */
  updateTask(taskId: string, update: TaskUpdateBody): TaskExecution;
}

export const DEFAULT_PROJECT = "emulator";
export const DEFAULT_CLIENT: ClientCredentials = { clientId: "taskgate-local", clientSecret: "local-secret" };
const DEFAULT_WORKFLOW = "emulator-workflow";

/**
 * A local CDF (the Data Workflows slice taskgate uses) plus an OAuth identity provider, faithful
 * to cdf-api.md, with fault injection and a request log for tests. Portable: Web Crypto, jose and
 * the Clock port only, so it runs unchanged on Node, workerd, Deno and Bun.
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const clock = options.clock ?? systemClock;
  const initialLifetime = options.tokenLifetimeSeconds ?? 3600;
  const initialConcurrency = options.maxConcurrentRequests ?? CDF_MAX_CONCURRENT_REQUESTS;
  const state: EmulatorState = {
    clock,
    project: options.project ?? DEFAULT_PROJECT,
    clients: (options.clients ?? [DEFAULT_CLIENT]).map((k) => ({ ...k })),
    config: { tokenLifetimeSeconds: initialLifetime, maxConcurrentRequests: initialConcurrency },
    engine: new WorkflowEngine(clock),
    sessions: new SessionStore(clock),
    idp: new IdentityProvider(clock),
    faults: new FaultList(),
    log: new RequestLog(),
    dropConnection: options.dropConnection,
    inFlight: 0,
  };

  const createExecution = (input: unknown = {}): WorkflowExecutionDetail => {
    const request = parseWith(AdminExecutionSchema, input);
    const workflowExternalId = request.workflowExternalId ?? DEFAULT_WORKFLOW;
    const version = request.version ?? "1";
    state.engine.upsertVersion({
      workflowExternalId,
      version,
      workflowDefinition: { tasks: adminTasksToInput(request.tasks) },
    });
    const { id } = state.engine.run(workflowExternalId, version, {
      input: request.input,
      metadata: request.metadata,
    });
    return state.engine.getExecution(id)!;
  };

  const reset = (): void => {
    state.engine.reset();
    state.sessions.reset();
    state.faults.clear();
    state.log.clear();
    state.config.tokenLifetimeSeconds = initialLifetime;
    state.config.maxConcurrentRequests = initialConcurrency;
  };

  const app = new Hono<EmulatorEnv>();
  app.use("*", traffic(state));
  registerIdpRoutes(app, state);
  registerCdfRoutes(app, state);
  registerAdminRoutes(app, state, { createExecution, reset });
  app.all("*", (c) =>
    cdfErrorResponse(c, new CdfHttpError(404, `No route for ${c.req.method} ${c.req.path}.`)),
  );
  app.onError((err, c) => {
    // A dropped connection must escape the app, like a reset socket escapes fetch.
    if (err instanceof EmulatorConnectionDropped) throw err;
    if (err instanceof CdfHttpError) return cdfErrorResponse(c, err);
    return cdfErrorResponse(c, new CdfHttpError(500, "Internal Server Error"));
  });

  return {
    app,
    project: state.project,
    clients: state.clients,
    requests: state.log.entries,
    faults: {
      add: (spec) => state.faults.add(parseWith(FaultSpecSchema, spec)),
      clear: () => state.faults.clear(),
      list: () => state.faults.list(),
    },
    config: state.config,
    revokeTokens: () => state.idp.revokeAll(),
    reset,
    createExecution,
    getExecution: (id) => state.engine.getExecution(id),
    getTask: (id) => state.engine.getTask(id),
    updateTask: (taskId, update) => {
      assertTaskId(taskId);
      return state.engine.updateTask(taskId, parseTaskUpdate(JSON.stringify(update)));
    },
  };
}
