import { type Context, Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { TaskgateError } from "../core/errors.js";
import { consoleRoutes } from "./console/routes.js";
import type { AppDeps, AppEnv } from "./env.js";
import { apiAuth } from "./middleware/api-auth.js";
import { bodyLimit } from "./middleware/body-limit.js";
import { loopbackHostOnly } from "./middleware/loopback-host.js";
import { observe } from "./middleware/observe.js";
import { publicLimits } from "./middleware/public-limits.js";
import { recordRejection } from "./middleware/record-rejection.js";
import { requestId } from "./middleware/request-id.js";
import { onError } from "./on-error.js";
import { approvalPageRoutes } from "./routes/approval-pages.js";
import { approvalRoutes } from "./routes/approvals.js";
import { auditRoutes } from "./routes/audit.js";
import { callbackRoutes } from "./routes/callbacks.js";
import { deliveryRoutes } from "./routes/deliveries.js";
import { healthRoutes } from "./routes/health.js";
import { hookRoutes } from "./routes/hooks.js";
import { landingRoutes } from "./routes/landing.js";
import { metricsRoutes } from "./routes/metrics.js";
import { referenceRoutes } from "./routes/reference.js";
import { rejectionRoutes } from "./routes/rejections.js";
import { waitRoutes } from "./routes/waits.js";

export interface AppOptions {
  /**
   * Derives the deps one request sees from the shared ones. Workers needs it: work that outlives
   * the response (the immediate forward after an accept) belongs to that request's
   * `ctx.waitUntil`, and a promise shared across requests may be cancelled with the first one.
   */
  requestDeps?: (c: Context<AppEnv>) => AppDeps;
}

/**
 * The one Hono app, served unchanged by every runtime's entry point. Built by chaining so its
 * type carries every route: `AppType` gives `hc` from hono/client a typed API.
 */
export function createApp(deps: AppDeps, options: AppOptions = {}) {
  const { requestDeps } = options;
  // The API's JSON answers get Hono's secure defaults; the approval pages (/a) set their own,
  // stricter ones (pages/headers.ts), and the emulator is a local stand-in for CDF.
  const secure = secureHeaders();
  const app = new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set("deps", requestDeps ? requestDeps(c) : deps);
      await next();
    })
    .use(observe)
    .use(requestId)
    .use(loopbackHostOnly)
    // Outermost on the public routes, so every refusal below (body limit included) is seen.
    .use("/hooks/*", recordRejection("hook"))
    .use("/v1/callbacks/*", recordRejection("callback"))
    .use("/v1/*", secure)
    .use("/hooks/*", secure)
    .use("/healthz", secure)
    .use("/readyz", secure)
    .use("/metrics", secure)
    .use("/openapi.json", secure)
    .use("/hooks/*", publicLimits)
    .use("/v1/callbacks/*", publicLimits)
    .use("/a/*", publicLimits)
    .use(
      "/v1/*",
      bodyLimit(() => deps.bodyLimitBytes),
    )
    .route("/", healthRoutes)
    .route("/", metricsRoutes)
    .route("/", landingRoutes)
    .route("/", referenceRoutes)
    .route("/v1/callbacks", callbackRoutes)
    .route("/hooks", hookRoutes)
    .route("/a", approvalPageRoutes)
    .route("/console", consoleRoutes)
    .use("/v1/waits/*", apiAuth)
    .use("/v1/deliveries/*", apiAuth)
    .use("/v1/approvals/*", apiAuth)
    .use("/v1/rejections/*", apiAuth)
    .use("/v1/audit/*", apiAuth)
    .route("/v1/waits", waitRoutes)
    .route("/v1/approvals", approvalRoutes)
    .route("/v1/deliveries", deliveryRoutes)
    .route("/v1/rejections", rejectionRoutes)
    .route("/v1/audit", auditRoutes);

  if (deps.emulator) app.route("/emulator", deps.emulator);

  return (
    app
      // The path is never echoed: it may hold a token (a mistyped callback or approval URL).
      .notFound((c) =>
        onError(new TaskgateError("not_found", `no route for this ${c.req.method} request`), c),
      )
      .onError(onError)
  );
}

/** The API's type, for a typed client: `hc<AppType>(url)` from hono/client. */
export type AppType = ReturnType<typeof createApp>;
