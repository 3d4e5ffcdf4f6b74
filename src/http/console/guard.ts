import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { TaskgateError } from "../../core/errors.js";
import type { AppEnv } from "../env.js";
import type { Frame } from "./layout.js";
import { type ConsoleSession, checkCsrf, readSession } from "./session.js";

export interface ConsoleEnv {
  Variables: AppEnv["Variables"] & { session: ConsoleSession };
}

/** A form is a few short fields; anything bigger is not from a console page. */
export const FORM_LIMIT_BYTES = 16 * 1024;

/**
 * Every view and action needs a session. A page asked for without one is sent to sign-in; a form
 * posted without one is refused (401), since re-posting it after sign-in would be a surprise.
 */
export const requireSession = createMiddleware<ConsoleEnv>(async (c, next) => {
  const session = await readSession(c as unknown as Context<AppEnv>);
  if (!session) {
    if (c.req.method === "GET" || c.req.method === "HEAD") return c.redirect("/console/login", 303);
    throw new TaskgateError("unauthorized", "your console session has ended; sign in again");
  }
  c.set("session", session);
  await next();
});

/**
 * Reads a posted form and checks its CSRF token against the session before anything else. A
 * request from another site is refused as well (browsers say so in Sec-Fetch-Site), but the
 * token is what counts: pages send no Referer, so Origin cannot vouch for them.
 */
export async function readForm(c: Context<ConsoleEnv>): Promise<Record<string, string>> {
  const length = Number(c.req.header("content-length") ?? "0");
  if (length > FORM_LIMIT_BYTES) throw new TaskgateError("payload_too_large", "the form is too large");
  const type = c.req.header("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
    throw new TaskgateError("unsupported_media_type", "console actions are HTML form posts");
  }
  const raw = await c.req.parseBody();
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === "string") form[k] = v;
  checkCsrf(c.get("session"), form.csrf);
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    throw new TaskgateError("cross_site_refused", "a console form was posted from another site");
  }
  return form;
}

/** What the layout needs from the request: who, the CSRF token, the time, and a flash message. */
export function frameOf(c: Context<ConsoleEnv>, extra: Partial<Frame> = {}): Frame {
  return {
    who: c.get("session").name,
    csrf: c.get("session").csrf,
    now: c.get("deps").clock.now(),
    localMode: c.get("deps").console?.signIn !== undefined,
    flash: flashOf(c),
    ...extra,
  };
}

const DONE: Record<string, string> = {
  replayed: "Queued again: the forwarder sends it shortly.",
  wait_cancelled: "The wait is cancelled. CDF was not told; the task stays IN_PROGRESS.",
  task_completed: "Stored as a COMPLETED update; it is forwarded to CDF like any callback.",
  task_failed: "Stored as a FAILED update; it is forwarded to CDF like any callback.",
  approval_cancelled: "The approval is cancelled; its links no longer accept a decision.",
  mail_queued: "The mail is queued and goes out shortly.",
  released: "Released: the wait closed and the webhook is on its way to CDF.",
  discarded: "Discarded: the parked webhook will never be sent.",
};

/** Flash messages come from a fixed list by code, so a crafted link cannot put words on the page. */
function flashOf(c: Context<ConsoleEnv>): Frame["flash"] {
  const done = c.req.query("done");
  if (done === "replayed_bulk") {
    const n = Number(c.req.query("n") ?? "0");
    const more = c.req.query("more") === "1";
    return {
      kind: "ok",
      text: `${Number.isFinite(n) ? n : 0} dead letter(s) queued again.${more ? " More match: press again for the next batch." : ""}`,
    };
  }
  const text = done ? DONE[done] : undefined;
  return text ? { kind: "ok", text } : undefined;
}
