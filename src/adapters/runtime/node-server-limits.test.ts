import type { Server } from "node:http";
import { connect } from "node:net";
import { serve } from "@hono/node-server";
import { afterEach, describe, expect, it } from "vitest";
import { applyServerLimits } from "./node-server-limits.js";

/** A raw socket that trickles a request, as a slowloris client would. */
function trickle(port: number, parts: string[], everyMs: number) {
  const socket = connect(port, "127.0.0.1");
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<{ afterMs: number; reply: string }>((resolve) => {
    const started = Date.now();
    let reply = "";
    socket.on("data", (d) => {
      reply += d.toString();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ afterMs: Date.now() - started, reply });
    });
  });
  let i = 0;
  timer = setInterval(() => {
    if (i < parts.length && !socket.destroyed) socket.write(parts[i++]!);
  }, everyMs);
  return closed;
}

describe("Node server limits", () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
    server?.closeAllConnections();
  });

  async function start(limits: Parameters<typeof applyServerLimits>[1]): Promise<number> {
    return new Promise((resolve) => {
      server = serve(
        {
          fetch: async (req) => new Response(await req.text()),
          port: 0,
          hostname: "127.0.0.1",
          // Node checks the timeouts on this interval (30 s by default); the test checks often.
          serverOptions: { connectionsCheckingInterval: 50 },
        },
        (info) => resolve(info.port),
      ) as Server;
      applyServerLimits(server, limits);
    });
  }

  it("closes a socket whose headers trickle past the header timeout, with 408", async () => {
    const port = await start({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const headerBytes = "POST / HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n".split("");
    const { afterMs, reply } = await trickle(port, headerBytes, 100);
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeLessThan(2000);
  });

  it("closes a socket whose body trickles past the request timeout", async () => {
    const port = await start({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const parts = [
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n",
      ..."a".repeat(1000).split(""),
    ];
    const { afterMs, reply } = await trickle(port, parts, 50);
    expect(reply).not.toMatch(/^HTTP\/1\.1 200/);
    expect(afterMs).toBeLessThan(2500);
  });

  it("caps open connections when configured", async () => {
    const port = await start({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 1 });
    const first = connect(port, "127.0.0.1");
    await new Promise((r) => first.once("connect", r));
    const second = await trickle(port, [], 1000);
    expect(second.reply).toBe("");
    expect(second.afterMs).toBeLessThan(1000);
    first.destroy();
  });
});
