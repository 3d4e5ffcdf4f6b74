import type { Hono } from "hono";
import { CDF_MESSAGES, CdfHttpError } from "./cdf-errors.js";
import type { EmulatorEnv, EmulatorState } from "./context.js";
import { notFoundExecution } from "./engine.js";
import {
  CancelSchema,
  ExecutionListSchema,
  parseJsonBody,
  parseWith,
  RunSchema,
  SessionCreateSchema,
  VersionUpsertSchema,
  WorkflowUpsertSchema,
} from "./request-schemas.js";
import { assertTaskId, parseTaskUpdate } from "./task-update.js";

const API = "/api/v1/projects/:project";

/** The slice of the CDF API taskgate relies on, behind CDF's authentication and project check. */
export function registerCdfRoutes(app: Hono<EmulatorEnv>, state: EmulatorState): void {
  app.use(`${API}/*`, async (c, next) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    if (!bearer || !(await state.idp.accepts(bearer[1]!))) {
      throw new CdfHttpError(401, CDF_MESSAGES.unauthenticated);
    }
    const project = c.req.param("project");
    if (project !== state.project) {
      throw new CdfHttpError(403, `Forbidden: no access to project '${project}'.`);
    }
    await next();
  });

  /** A CDF JSON body: `null` anywhere is refused with CDF's documented message. */
  const body = (text: string, emptyAs?: unknown) =>
    parseJsonBody(text, emptyAs === undefined ? { rejectNulls: true } : { rejectNulls: true, emptyAs });

  app.post(`${API}/sessions`, (c) => {
    const { items } = parseWith(SessionCreateSchema, body(c.get("bodyText")));
    const sessions = items.map((item) => {
      if (item.clientId !== undefined) {
        const ok = state.clients.some(
          (k) => k.clientId === item.clientId && k.clientSecret === item.clientSecret,
        );
        if (!ok) throw new CdfHttpError(400, "Could not create a session: invalid client credentials.");
      } else if (item.tokenExchange !== true) {
        throw new CdfHttpError(400, "A session needs clientId and clientSecret, or tokenExchange: true.");
      }
      return state.sessions.create(item);
    });
    return c.json({ items: sessions });
  });

  app.post(`${API}/workflows`, (c) => {
    const { items } = parseWith(WorkflowUpsertSchema, body(c.get("bodyText")));
    return c.json({ items: items.map((item) => state.engine.upsertWorkflow(item)) });
  });

  app.post(`${API}/workflows/versions`, (c) => {
    const { items } = parseWith(VersionUpsertSchema, body(c.get("bodyText")));
    return c.json({ items: items.map((item) => state.engine.upsertVersion(item)) });
  });

  app.post(`${API}/workflows/executions/list`, (c) => {
    const request = parseWith(ExecutionListSchema, body(c.get("bodyText"), {}));
    return c.json(state.engine.listExecutions(request.filter, request.limit, request.cursor));
  });

  app.get(`${API}/workflows/executions/:executionId`, (c) => {
    const id = c.req.param("executionId");
    const detail = state.engine.getExecution(id);
    if (!detail) throw notFoundExecution(id);
    return c.json(detail);
  });

  app.post(`${API}/workflows/executions/:executionId/cancel`, (c) => {
    const { reason } = parseWith(CancelSchema, body(c.get("bodyText"), {}));
    return c.json(state.engine.cancel(c.req.param("executionId"), reason));
  });

  app.post(`${API}/workflows/tasks/:taskId/update`, (c) => {
    const taskId = c.req.param("taskId");
    assertTaskId(taskId);
    const update = parseTaskUpdate(c.get("bodyText"));
    return c.json(state.engine.updateTask(taskId, update));
  });

  app.post(`${API}/workflows/:workflowExternalId/versions/:version/run`, (c) => {
    const workflowExternalId = c.req.param("workflowExternalId");
    const version = c.req.param("version");
    const request = parseWith(RunSchema, body(c.get("bodyText")));
    if (!state.engine.hasVersion(workflowExternalId, version)) {
      throw new CdfHttpError(404, `Workflow '${workflowExternalId}' version '${version}' not found.`, {
        extras: { missing: [{ externalId: workflowExternalId, version }] },
      });
    }
    if (!state.sessions.consume(request.authentication.nonce)) {
      throw new CdfHttpError(400, "The nonce is invalid, expired or already used; create a new session.");
    }
    return c.json(
      state.engine.run(workflowExternalId, version, { input: request.input, metadata: request.metadata }),
    );
  });
}
