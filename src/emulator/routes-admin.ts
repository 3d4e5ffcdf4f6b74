import type { Hono } from "hono";
import { CdfHttpError } from "./cdf-errors.js";
import type { EmulatorEnv, EmulatorState } from "./context.js";
import { issuerOf } from "./context.js";
import { notFoundExecution } from "./engine.js";
import { FaultSpecSchema } from "./faults.js";
import { ConfigSchema, parseJsonBody, parseWith, TokenMintSchema } from "./request-schemas.js";

const ADMIN = "/_emulator";

/**
 * The test and walkthrough surface, without authentication: shortcuts that skip sessions,
 * fault injection, the request log, token minting and revocation.
 */
export function registerAdminRoutes(
  app: Hono<EmulatorEnv>,
  state: EmulatorState,
  actions: {
    createExecution(input: unknown): unknown;
    reset(): void;
  },
): void {
  const body = (text: string) => parseJsonBody(text, { rejectNulls: false, emptyAs: {} });

  app.post(`${ADMIN}/executions`, (c) => c.json(actions.createExecution(body(c.get("bodyText")))));

  app.get(`${ADMIN}/executions/:id`, (c) => {
    const detail = state.engine.getExecution(c.req.param("id"));
    if (!detail) throw notFoundExecution(c.req.param("id"));
    return c.json(detail);
  });

  app.get(`${ADMIN}/tasks/:id`, (c) => {
    const task = state.engine.getTask(c.req.param("id"));
    if (!task) throw new CdfHttpError(404, `Task execution '${c.req.param("id")}' not found.`);
    return c.json(task);
  });

  app.post(`${ADMIN}/faults`, (c) =>
    c.json(state.faults.add(parseWith(FaultSpecSchema, body(c.get("bodyText"))))),
  );
  app.get(`${ADMIN}/faults`, (c) => c.json(state.faults.list()));
  app.delete(`${ADMIN}/faults`, (c) => {
    state.faults.clear();
    return c.json({ cleared: true });
  });

  app.get(`${ADMIN}/requests`, (c) => c.json(state.log.entries));
  app.delete(`${ADMIN}/requests`, (c) => {
    state.log.clear();
    return c.json({ cleared: true });
  });

  app.post(`${ADMIN}/tokens`, async (c) => {
    const request = parseWith(TokenMintSchema, body(c.get("bodyText")));
    const { token, payload } = await state.idp.sign({
      issuer: issuerOf(c),
      subject: request.subject ?? "emulator-user",
      audience: request.audience,
      lifetimeSeconds: request.expiresInSeconds ?? state.config.tokenLifetimeSeconds,
      claims: request.claims,
    });
    return c.json({ token, claims: payload });
  });

  app.post(`${ADMIN}/tokens/revoke`, (c) => {
    state.idp.revokeAll();
    return c.json({ revoked: true });
  });

  app.get(`${ADMIN}/config`, (c) => c.json(state.config));
  app.post(`${ADMIN}/config`, (c) => {
    const update = parseWith(ConfigSchema, body(c.get("bodyText")));
    if (update.tokenLifetimeSeconds !== undefined)
      state.config.tokenLifetimeSeconds = update.tokenLifetimeSeconds;
    if (update.maxConcurrentRequests !== undefined)
      state.config.maxConcurrentRequests = update.maxConcurrentRequests;
    return c.json(state.config);
  });

  app.post(`${ADMIN}/reset`, (c) => {
    actions.reset();
    return c.json({ reset: true });
  });
}
