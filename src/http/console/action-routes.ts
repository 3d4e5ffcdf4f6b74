import { Hono } from "hono";
import { TaskgateError } from "../../core/errors.js";
import {
  cancelApprovalBy,
  cancelWaitBy,
  discardParkedBy,
  releaseParkedBy,
  replayMatching,
  replayOne,
  resendMailBy,
  resolveTaskBy,
} from "../../services/operator-actions.js";
import { type ConsoleEnv, readForm } from "./guard.js";
import { safeBack } from "./respond.js";

/** Longest reason an operator can send to CDF with a hand-made update (DESIGN.md §6: 2 KB). */
const MAX_REASON = 2048;

/** A wait/delivery/approval/mail id as the store makes them; anything else is not ours. */
const ID = /^[0-9a-zA-Z-]{1,64}$/;

function id(value: string | undefined): string {
  if (!value || !ID.test(value))
    throw new TaskgateError("invalid_request", "the id in the address is not valid");
  return value;
}

function done(back: string, code: string, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ done: code, ...extra });
  return `${back}${back.includes("?") ? "&" : "?"}${params}`;
}

/**
 * The console's state-changing forms. Each reads the form (CSRF checked first), calls the
 * operator service with the signed-in name, and answers 303 back to the page with a fixed flash.
 */
export const consoleActionRoutes = new Hono<ConsoleEnv>()
  .post("/deliveries/:id/replay", async (c) => {
    const form = await readForm(c);
    const deliveryId = id(c.req.param("id"));
    await replayOne(c.get("deps"), c.get("session").name, deliveryId);
    return c.redirect(done(safeBack(form.back, `/console/deliveries/${deliveryId}`), "replayed"), 303);
  })
  .post("/dead-letters/replay", async (c) => {
    const form = await readForm(c);
    const source = form.source?.trim() || undefined;
    if (source && source.length > 200)
      throw new TaskgateError("invalid_request", "the source filter is too long");
    const { count, more } = await replayMatching(c.get("deps"), c.get("session").name, {
      status: "dead",
      source,
    });
    const back = source
      ? `/console/dead-letters?source=${encodeURIComponent(source)}`
      : "/console/dead-letters";
    return c.redirect(done(back, "replayed_bulk", { n: String(count), ...(more ? { more: "1" } : {}) }), 303);
  })
  .post("/waits/:id/cancel", async (c) => {
    await readForm(c);
    const waitId = id(c.req.param("id"));
    await cancelWaitBy(c.get("deps"), c.get("session").name, waitId);
    return c.redirect(done(`/console/waits/${waitId}`, "wait_cancelled"), 303);
  })
  .post("/waits/:id/resolve", async (c) => {
    const form = await readForm(c);
    const waitId = id(c.req.param("id"));
    const status = form.status;
    if (status !== "COMPLETED" && status !== "FAILED") {
      throw new TaskgateError("invalid_request", "status must be COMPLETED or FAILED");
    }
    const reason = form.reason?.trim() || undefined;
    if (reason && reason.length > MAX_REASON) {
      throw new TaskgateError("invalid_request", `the reason is longer than ${MAX_REASON} characters`);
    }
    const outcome = await resolveTaskBy(c.get("deps"), c.get("session").name, waitId, status, reason);
    if (outcome.outcome !== "queued") throw new TaskgateError("wait_closed", "the wait was closed already");
    return c.redirect(
      done(`/console/waits/${waitId}`, status === "COMPLETED" ? "task_completed" : "task_failed"),
      303,
    );
  })
  .post("/approvals/:id/cancel", async (c) => {
    await readForm(c);
    const approvalId = id(c.req.param("id"));
    await cancelApprovalBy(c.get("deps"), c.get("session").name, approvalId);
    return c.redirect(done(`/console/approvals/${approvalId}`, "approval_cancelled"), 303);
  })
  .post("/mails/:id/resend", async (c) => {
    const form = await readForm(c);
    const mail = await resendMailBy(c.get("deps"), c.get("session").name, id(c.req.param("id")));
    return c.redirect(done(safeBack(form.back, `/console/approvals/${mail.approvalId}`), "mail_queued"), 303);
  })
  .post("/parked/:id/release", async (c) => {
    const form = await readForm(c);
    const waitId = form.waitId?.trim() || undefined;
    const released = await releaseParkedBy(
      c.get("deps"),
      c.get("session").name,
      id(c.req.param("id")),
      waitId === undefined ? undefined : id(waitId),
    );
    return c.redirect(done(`/console/deliveries/${released.id}`, "released"), 303);
  })
  .post("/parked/:id/discard", async (c) => {
    await readForm(c);
    await discardParkedBy(c.get("deps"), c.get("session").name, id(c.req.param("id")));
    return c.redirect(done("/console/parked", "discarded"), 303);
  });
