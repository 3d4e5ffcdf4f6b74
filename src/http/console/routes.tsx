/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { isTaskgateError, TaskgateError } from "../../core/errors.js";
import type { AppEnv } from "../env.js";
import { onError } from "../on-error.js";
import { PAGE_CSS_HEADERS } from "../pages/headers.js";
import { consoleActionRoutes } from "./action-routes.js";
import { type ConsoleEnv, FORM_LIMIT_BYTES, readForm, requireSession } from "./guard.js";
import { LoginView } from "./login-view.js";
import { ProblemView } from "./problem-view.js";
import { html } from "./respond.js";
import { endSession, isAdmin, startSession } from "./session.js";
import { CONSOLE_CSS, CONSOLE_CSS_PATH, CONSOLE_JS, CONSOLE_JS_PATH } from "./styles.js";
import { consoleViewRoutes } from "./view-routes.js";

const localMode = (c: Context<ConsoleEnv>) => c.var.deps.console?.signIn !== undefined;

/**
 * Refusals inside the console are pages, not JSON: the same stable code and status as the API,
 * said to a person, with the way back. Anything unexpected still goes to the app's onError (500).
 */
function consoleError(err: Error, c: Context<ConsoleEnv>): Response {
  if (!isTaskgateError(err) || err.status >= 500) return onError(err, c as unknown as Context<AppEnv>);
  const back = c.req.path.startsWith("/console/login") ? "/console/login" : "/console";
  return html(
    c,
    <ProblemView status={err.status} code={err.code} message={err.message} back={back} />,
    err.status as 400,
  );
}

/** Sign-in, sign-out, the one-time local link, and the two static assets. No session needed here. */
const consoleAuthRoutes = new Hono<ConsoleEnv>()
  .get("/assets/console.css", (c) => c.body(CONSOLE_CSS, 200, PAGE_CSS_HEADERS))
  .get("/assets/console.js", (c) =>
    c.body(CONSOLE_JS, 200, { ...PAGE_CSS_HEADERS, "Content-Type": "text/javascript; charset=utf-8" }),
  )
  .get("/login", (c) =>
    html(c, <LoginView localMode={localMode(c)} signedOut={c.req.query("out") === "1"} />),
  )
  .post("/login", async (c) => {
    const site = c.req.header("sec-fetch-site");
    if (site !== undefined && site !== "same-origin" && site !== "none") {
      throw new TaskgateError("cross_site_refused", "the sign-in form was posted from another site");
    }
    const body = await c.req.parseBody();
    const key = typeof body.key === "string" ? body.key.trim() : "";
    const refuse = (status: 401 | 403, error: string) =>
      html(c, <LoginView localMode={localMode(c)} error={error} />, status);
    if (!key) return refuse(401, "Paste an API key.");
    let principal: Awaited<ReturnType<AppEnv["Variables"]["deps"]["authenticate"]>>;
    try {
      principal = await c.var.deps.authenticate(key);
    } catch (err) {
      if (isTaskgateError(err) && err.status < 500) return refuse(401, "That key is not valid.");
      throw err;
    }
    if (!isAdmin(principal)) {
      c.var.deps.logger.warn("console sign-in refused: no admin scope", { name: principal.name });
      return refuse(
        403,
        `The key "${principal.name}" does not have the admin scope. Add "admin" to its "scopes" in api.keys, or sign in with an administrator's key.`,
      );
    }
    await startSession(c as unknown as Context<AppEnv>, principal.name);
    c.var.deps.logger.info("console sign-in", { by: principal.name });
    return c.redirect("/console", 303);
  })
  .get("/login/:token", async (c) => {
    const signIn = c.var.deps.console?.signIn;
    if (!signIn) throw new TaskgateError("not_found", "sign-in links exist in local mode only");
    let name: string;
    try {
      name = await signIn.consume(c.req.param("token"));
    } catch (err) {
      if (!isTaskgateError(err) || err.status >= 500) throw err;
      return html(
        c,
        <LoginView
          localMode
          error="That sign-in link was used already, is from an earlier run, or has expired. Restart taskgate for a new one, or paste the key."
        />,
        401,
      );
    }
    await startSession(c as unknown as Context<AppEnv>, name);
    c.var.deps.logger.info("console sign-in", { by: name, via: "one-time link" });
    return c.redirect("/console", 303);
  });

/** The operator console (DESIGN.md §7), mounted at /console. */
export const consoleRoutes = new Hono<ConsoleEnv>();
consoleRoutes.use(
  "*",
  bodyLimit({
    maxSize: FORM_LIMIT_BYTES,
    onError: () => {
      throw new TaskgateError("payload_too_large", "the form is too large");
    },
  }),
);
consoleRoutes.route("/", consoleAuthRoutes);
consoleRoutes.use("*", requireSession);
consoleRoutes.post("/logout", async (c) => {
  await readForm(c);
  endSession(c as unknown as Context<AppEnv>);
  c.var.deps.logger.info("console sign-out", { by: c.var.session.name });
  return c.redirect("/console/login?out=1", 303);
});
consoleRoutes.route("/", consoleViewRoutes);
consoleRoutes.route("/", consoleActionRoutes);
consoleRoutes.onError(consoleError);

export { CONSOLE_CSS_PATH, CONSOLE_JS_PATH };
