import { serve } from "@hono/node-server";
import { Hono } from "hono";

/**
 * The baseline: a bare Hono app on @hono/node-server with one route that parses a JSON body and
 * answers it as JSON. Run as its own process; prints one JSON line with its URL, stops on SIGTERM.
 */
const app = new Hono();
app.post("/echo", async (c) => c.json(await c.req.json<unknown>()));

const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(
    `${JSON.stringify({ msg: "echo listening", url: `http://127.0.0.1:${info.port}` })}\n`,
  );
});

const stop = () => {
  server.close(() => process.exit(0));
  if ("closeAllConnections" in server) server.closeAllConnections();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
