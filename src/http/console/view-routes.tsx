/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import { type Context, Hono } from "hono";
import * as z from "zod";
import type { ApprovalStatus } from "../../core/approval-policy.js";
import { TaskgateError } from "../../core/errors.js";
import type { MailStatus } from "../../ports/approval-store.js";
import type { DeliveryRecord, DeliveryStatus, WaitStatus } from "../../ports/store.js";
import { APPROVAL_STATUSES, ApprovalsView, ApprovalView } from "./approvals-view.js";
import { HISTORY_LIMIT, type History, historyOf } from "./audit-timeline.js";
import { DELIVERY_STATUSES, DeadLettersView, DeliveriesView, ParkedView } from "./deliveries-view.js";
import { DeliveryView } from "./delivery-view.js";
import { type ConsoleEnv, frameOf } from "./guard.js";
import type { Frame } from "./layout.js";
import { CaughtMailView, MAIL_STATUSES, MailCatcherView, MailOutboxView } from "./mail-view.js";
import { type OverviewData, OverviewView } from "./overview-view.js";
import { RejectionsView } from "./rejections-view.js";
import { CAUGHT_MAIL_HEADERS, html } from "./respond.js";
import { WaitView } from "./wait-view.js";
import { WAIT_STATUSES, WaitsView } from "./waits-view.js";

/** Rows per page in every list. */
export const PAGE_SIZE = 50;

/** A filter field: empty means "any"; bounded so a query string cannot be used to stuff the page. */
const text = z
  .string()
  .max(200)
  .optional()
  .transform((v) => (v ? v : undefined));
const oneOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .union([z.enum(values), z.literal("")])
    .optional()
    .transform((v) => (v ? v : undefined));
const cursor = z
  .string()
  .max(64)
  .regex(/^[0-9a-zA-Z-]*$/)
  .optional()
  .transform((v) => (v ? v : undefined));

/** Parses a view's query string; a bad one is a 400 page, never a query against the store. */
function query<S extends z.ZodType>(c: Context<ConsoleEnv>, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new TaskgateError("invalid_request", "a filter in the address is not valid");
  return parsed.data;
}

/** The sidebar's counts (dead letters, parked): one grouped count over the status index. */
async function framed(
  c: Context<ConsoleEnv>,
): Promise<{ frame: Frame; counts: Record<DeliveryStatus, number> }> {
  const counts = await c.var.deps.store.countDeliveries();
  return { frame: frameOf(c, { counts: { dead: counts.dead, parked: counts.parked } }), counts };
}

/** The audit entries of a page's subjects (its own id and those it holds), for its History. */
async function history(c: Context<ConsoleEnv>, subjects: readonly string[]): Promise<History> {
  return historyOf(await c.var.deps.store.audit.list({ subjects, limit: HISTORY_LIMIT }));
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? 0;
}

async function overview(
  c: Context<ConsoleEnv>,
  counts: Record<DeliveryStatus, number>,
): Promise<OverviewData> {
  const { store } = c.var.deps;
  const [delivered, dead, pending, oldestDueAt] = await Promise.all([
    store.listDeliveries({ status: "delivered", limit: 100 }),
    store.listDeliveries({ status: "dead", limit: 5 }),
    store.listDeliveries({ status: "pending", limit: 50 }),
    store.nextDueAt(),
  ]);
  const latencies = delivered.items
    .filter((d): d is DeliveryRecord & { deliveredAt: number } => d.deliveredAt !== null)
    .map((d) => d.deliveredAt - d.createdAt)
    .sort((a, b) => a - b);
  return {
    counts,
    latency: latencies.length
      ? { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), sample: latencies.length }
      : null,
    oldestDueAt,
    recentFailures: dead.items,
    retrying: pending.items.filter((d) => d.lastError !== null).slice(0, 5),
  };
}

const WaitQuery = z.object({
  status: oneOf<WaitStatus>(WAIT_STATUSES),
  source: text,
  taskId: text,
  correlationKey: text,
  cursor,
});
const DeliveryQuery = z.object({ status: oneOf<DeliveryStatus>(DELIVERY_STATUSES), source: text, cursor });
const ApprovalQuery = z.object({ status: oneOf<ApprovalStatus>(APPROVAL_STATUSES), taskId: text, cursor });
const RejectionQuery = z.object({
  source: text,
  code: z
    .string()
    .max(64)
    .regex(/^[a-z_]*$/)
    .optional()
    .transform((v) => (v ? v : undefined)),
  // The rejection list's cursor is "<at>_<id>".
  cursor: z
    .string()
    .max(80)
    .regex(/^(\d{1,16}_[0-9a-f-]{36})?$/)
    .optional()
    .transform((v) => (v ? v : undefined)),
});
const MailQuery = z.object({ status: oneOf<MailStatus>(MAIL_STATUSES), cursor });

const opt = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };

export const consoleViewRoutes = new Hono<ConsoleEnv>()
  .get("/", async (c) => {
    const { frame, counts } = await framed(c);
    return html(c, <OverviewView frame={frame} data={await overview(c, counts)} />);
  })
  .get("/waits", async (c) => {
    const q = query(c, WaitQuery);
    const [{ frame }, page] = await Promise.all([
      framed(c),
      c.var.deps.store.listWaits({ ...opt(q), limit: PAGE_SIZE }),
    ]);
    return html(c, <WaitsView frame={frame} page={page} query={q} />);
  })
  .get("/waits/:id", async (c) => {
    const { store } = c.var.deps;
    const wait = await store.getWait(c.req.param("id"));
    if (!wait) throw new TaskgateError("wait_not_found", "no wait with this id");
    const deliveries = await store.listDeliveries({ waitId: wait.id, limit: PAGE_SIZE });
    const [{ frame }, parked, steps] = await Promise.all([
      framed(c),
      wait.source !== null && wait.correlationKey !== null
        ? store.listDeliveries({
            status: "parked",
            source: wait.source,
            correlationKey: wait.correlationKey,
            limit: PAGE_SIZE,
          })
        : Promise.resolve({ items: [], nextCursor: null }),
      // Its deliveries' entries too: a webhook parked before the wait names only its delivery.
      history(c, [wait.id, ...deliveries.items.map((d) => d.id)]),
    ]);
    return html(
      c,
      <WaitView
        frame={frame}
        wait={wait}
        deliveries={deliveries.items}
        parked={parked.items}
        history={steps}
      />,
    );
  })
  .get("/approvals", async (c) => {
    const q = query(c, ApprovalQuery);
    const [{ frame }, page] = await Promise.all([
      framed(c),
      c.var.deps.store.approvals.listApprovals({ ...opt(q), limit: PAGE_SIZE }),
    ]);
    return html(c, <ApprovalsView frame={frame} page={page} query={q} />);
  })
  .get("/approvals/:id", async (c) => {
    const { store } = c.var.deps;
    const approval = await store.approvals.getApproval(c.req.param("id"));
    if (!approval) throw new TaskgateError("approval_not_found", "no approval with this id");
    const [{ frame }, mails, steps] = await Promise.all([
      framed(c),
      store.approvals.listMails(approval.id),
      // Its outcome delivery's entries too: the attempts that took the decision to CDF.
      history(c, approval.deliveryId ? [approval.id, approval.deliveryId] : [approval.id]),
    ]);
    return html(c, <ApprovalView frame={frame} approval={approval} mails={mails} history={steps} />);
  })
  .get("/deliveries", async (c) => {
    const q = query(c, DeliveryQuery);
    const [{ frame }, page] = await Promise.all([
      framed(c),
      c.var.deps.store.listDeliveries({ ...opt(q), limit: PAGE_SIZE }),
    ]);
    return html(c, <DeliveriesView frame={frame} page={page} query={q} />);
  })
  .get("/deliveries/:id", async (c) => {
    const { store } = c.var.deps;
    const delivery = await store.getDelivery(c.req.param("id"));
    if (!delivery) throw new TaskgateError("delivery_not_found", "no delivery with this id");
    const [{ frame }, attempts, steps] = await Promise.all([
      framed(c),
      store.listAttempts(delivery.id),
      history(c, [delivery.id]),
    ]);
    return html(c, <DeliveryView frame={frame} delivery={delivery} attempts={attempts} history={steps} />);
  })
  .get("/dead-letters", async (c) => {
    const q = query(c, DeliveryQuery.omit({ status: true }));
    const [{ frame }, page] = await Promise.all([
      framed(c),
      c.var.deps.store.listDeliveries({ ...opt(q), status: "dead", limit: PAGE_SIZE }),
    ]);
    return html(c, <DeadLettersView frame={frame} page={page} query={q} />);
  })
  .get("/parked", async (c) => {
    const q = query(c, DeliveryQuery.omit({ status: true }));
    const [{ frame }, page] = await Promise.all([
      framed(c),
      c.var.deps.store.listDeliveries({ ...opt(q), status: "parked", limit: PAGE_SIZE }),
    ]);
    return html(c, <ParkedView frame={frame} page={page} query={q} />);
  })
  .get("/rejections", async (c) => {
    const q = query(c, RejectionQuery);
    const [{ frame }, page] = await Promise.all([
      framed(c),
      c.var.deps.store.rejections.listRejections({ ...opt(q), limit: PAGE_SIZE }),
    ]);
    const enabled = c.var.deps.rejections !== undefined;
    return html(c, <RejectionsView frame={frame} page={page} query={q} enabled={enabled} />);
  })
  .get("/mail", async (c) => {
    const q = query(c, MailQuery);
    const { frame } = await framed(c);
    const catcher = c.var.deps.console?.mailCatcher;
    if (catcher) {
      return html(
        c,
        <MailCatcherView
          frame={frame}
          page={catcher.listCaptured({ ...opt(q), limit: PAGE_SIZE })}
          cursor={q.cursor}
        />,
      );
    }
    const page = await c.var.deps.store.approvals.listOutbox({ ...opt(q), limit: PAGE_SIZE });
    return html(c, <MailOutboxView frame={frame} page={page} status={q.status} cursor={q.cursor} />);
  })
  .get("/mail/:id", async (c) => {
    const mail = c.var.deps.console?.mailCatcher?.getCaptured(c.req.param("id"));
    if (!mail) throw new TaskgateError("mail_not_found", "no caught mail with this id");
    const { frame } = await framed(c);
    return html(c, <CaughtMailView frame={frame} mail={mail} />);
  })
  .get("/mail/:id/html", (c) => {
    const mail = c.var.deps.console?.mailCatcher?.getCaptured(c.req.param("id"));
    if (!mail) throw new TaskgateError("mail_not_found", "no caught mail with this id");
    return c.body(mail.message.html, 200, CAUGHT_MAIL_HEADERS);
  });
