import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { cancelApproval, createApproval, getApproval, listApprovals } from "../../services/approvals.js";
import { ApprovalQuerySchema, CreateApprovalSchema } from "../approval-schemas.js";
import { approvalApiView } from "../approval-views.js";
import type { AppEnv } from "../env.js";
import { jsonBody } from "../middleware/json-body.js";
import { requireScope } from "../middleware/require-scope.js";
import { apiActor, queryHook } from "./waits.js";

export const approvalRoutes = new Hono<AppEnv>()
  .use(requireScope("approvals"))
  .post("/", jsonBody(CreateApprovalSchema), async (c) => {
    const input = c.req.valid("json");
    const { approval, links } = await createApproval(
      c.get("deps"),
      { ...input, ttlMs: input.ttl },
      apiActor(c),
    );
    return c.json({ ...approvalApiView(approval), links }, 201);
  })
  .get("/", zValidator("query", ApprovalQuerySchema, queryHook), async (c) => {
    const page = await listApprovals(c.get("deps"), c.req.valid("query"));
    return c.json({ items: page.items.map((a) => approvalApiView(a)), nextCursor: page.nextCursor });
  })
  .get("/:id", async (c) => {
    const approval = await getApproval(c.get("deps"), c.req.param("id"));
    const { store, clock } = c.get("deps");
    const mails = await store.approvals.listMails(approval.id);
    const delivery = approval.deliveryId ? await store.getDelivery(approval.deliveryId) : undefined;
    return c.json(approvalApiView(approval, { mails, delivery, now: clock.now() }));
  })
  .delete("/:id", async (c) =>
    c.json(approvalApiView(await cancelApproval(c.get("deps"), c.req.param("id"), apiActor(c)))),
  );
