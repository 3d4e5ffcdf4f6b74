import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { TaskgateError } from "../core/errors.js";
import type { AppDeps, AppEnv } from "./env.js";
import { apiAuth } from "./middleware/api-auth.js";
import { requestId } from "./middleware/request-id.js";
import { onError } from "./on-error.js";
import { callbackRoutes } from "./routes/callbacks.js";
import { deliveryRoutes } from "./routes/deliveries.js";
import { healthRoutes } from "./routes/health.js";
import { waitRoutes } from "./routes/waits.js";

/** The one Hono app, served unchanged by every runtime's entry point. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use(requestId);
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: deps.bodyLimitBytes,
      onError: () => {
        throw new TaskgateError("payload_too_large", `the body exceeds ${deps.bodyLimitBytes} bytes`);
      },
    }),
  );

  app.route("/", healthRoutes);
  app.route("/v1/callbacks", callbackRoutes);

  app.use("/v1/waits/*", apiAuth);
  app.use("/v1/deliveries/*", apiAuth);
  app.route("/v1/waits", waitRoutes);
  app.route("/v1/deliveries", deliveryRoutes);

  if (deps.emulator) app.route("/emulator", deps.emulator);

  app.notFound((c) =>
    onError(new TaskgateError("not_found", `no route for ${c.req.method} ${c.req.path}`), c),
  );
  app.onError(onError);
  return app;
}
