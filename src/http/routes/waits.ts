import { zValidator } from "@hono/zod-validator";
import { type Context, Hono } from "hono";
import { TaskgateError } from "../../core/errors.js";
import { releasedDetail } from "../../core/hook-detail.js";
import { cancelWait, createWait, getWait, listWaits } from "../../services/waits.js";
import type { AppEnv } from "../env.js";
import { jsonBody } from "../middleware/json-body.js";
import { requireScope } from "../middleware/require-scope.js";
import { CreateWaitSchema, WaitQuerySchema } from "../schemas.js";
import { waitView } from "../views.js";
import { zodProblems } from "../zod-problems.js";

/** Query strings go through the same error envelope as bodies. */
export const queryHook = (result: { success: boolean; error?: unknown }) => {
  if (!result.success) {
    throw new TaskgateError("invalid_request", "the query string is invalid", {
      details: { problems: zodProblems(result.error as Parameters<typeof zodProblems>[0]) },
    });
  }
};

export const waitRoutes = new Hono<AppEnv>()
  .use(requireScope("waits"))
  .post("/", jsonBody(CreateWaitSchema), async (c) => {
    const input = c.req.valid("json");
    const { wait, callbackUrl } = await createWait(
      c.get("deps"),
      { ...input, ttlMs: input.ttl },
      apiActor(c),
    );
    const released =
      wait.status === "closed" &&
      wait.source !== null &&
      wait.correlationKey !== null &&
      wait.deliveryId !== null
        ? { detail: releasedDetail(wait.source, wait.correlationKey, wait.deliveryId) }
        : {};
    return c.json({ ...waitView(wait), callbackUrl, ...released }, 201);
  })
  .get("/", zValidator("query", WaitQuerySchema, queryHook), async (c) => {
    const q = c.req.valid("query");
    const page = await listWaits(c.get("deps"), q);
    return c.json({ items: page.items.map(waitView), nextCursor: page.nextCursor });
  })
  .get("/:id", async (c) => c.json(waitView(await getWait(c.get("deps"), c.req.param("id")))))
  .delete("/:id", async (c) =>
    c.json(waitView(await cancelWait(c.get("deps"), c.req.param("id"), apiActor(c)))),
  );

/** The API caller as the audit log names it: `api:<key name or OIDC subject>`. */
export function apiActor(c: Context<AppEnv>): string {
  const p = c.get("principal");
  return p ? `api:${p.name}` : "api";
}
