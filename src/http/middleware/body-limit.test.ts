import { connect } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppEnv } from "../env.js";
import { onError } from "../on-error.js";
import { bodyLimit } from "./body-limit.js";

const LIMIT = 1024;
const PORT = 41417;

/** Answers the length of the body it read, behind the limit. */
function limitedApp() {
  let reads = 0;
  const app = new Hono<AppEnv>()
    .use(bodyLimit(() => LIMIT))
    .all("/", async (c) => {
      reads++;
      return c.json({ bytes: (await c.req.arrayBuffer()).byteLength });
    })
    .onError(onError);
  return { app, reads: () => reads };
}

/** A body of unknown length (no Content-Length), as a chunked upload arrives. */
function chunked(bytes: number): ReadableStream<Uint8Array> {
  let left = bytes;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const n = Math.min(256, left);
      left -= n;
      controller.enqueue(new Uint8Array(n).fill(120));
    },
  });
}

describe("bodyLimit on a web Request (Workers, Deno, Bun)", () => {
  it("passes a chunked body within the limit, read whole by the handler", async () => {
    const { app } = limitedApp();
    const res = await app.request("/", {
      method: "POST",
      body: chunked(LIMIT),
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ bytes: LIMIT });
  });

  it("refuses a chunked body one byte over with 413 payload_too_large; the handler never runs", async () => {
    const { app, reads } = limitedApp();
    const res = await app.request("/", {
      method: "POST",
      body: chunked(LIMIT + 1),
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
    expect(reads()).toBe(0);
  });

  it("judges a declared Content-Length from the header alone", async () => {
    const { app, reads } = limitedApp();
    const over = await app.request("/", {
      method: "POST",
      body: "x".repeat(LIMIT + 1),
      headers: { "content-length": String(LIMIT + 1) },
    });
    expect(over.status).toBe(413);
    expect(reads()).toBe(0);
    const within = await app.request("/", {
      method: "POST",
      body: "x".repeat(LIMIT),
      headers: { "content-length": String(LIMIT) },
    });
    expect(await within.json()).toEqual({ bytes: LIMIT });
  });

  it("lets GET through untouched", async () => {
    const { app } = limitedApp();
    expect((await app.request("/")).status).toBe(200);
  });
});

describe("bodyLimit on @hono/node-server", () => {
  const { app, reads } = limitedApp();
  let server: ServerType;
  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: PORT, hostname: "127.0.0.1" }, () => resolve());
    });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Sends the head and only `sent` bytes of the declared body; resolves with the first response. */
  function rawPost(declared: number, sent: number, chunkedBody?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(PORT, "127.0.0.1");
      let answer = "";
      socket.on("data", (d) => {
        answer += d.toString("latin1");
        if (answer.includes("\r\n\r\n")) {
          socket.destroy();
          resolve(answer);
        }
      });
      socket.on("error", reject);
      const framing =
        chunkedBody === undefined ? `content-length: ${declared}` : "transfer-encoding: chunked";
      socket.write(`POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${framing}\r\n\r\n`);
      socket.write(chunkedBody ?? "x".repeat(sent));
    });
  }

  it("answers 413 to a declared length over the limit before the body has arrived", async () => {
    const before = reads();
    const head = await rawPost(10 * LIMIT, 10);
    expect(head).toMatch(/^HTTP\/1\.1 413 /);
    expect(reads()).toBe(before);
  });

  it("reads a body within the limit through the runtime's own fast path", async () => {
    const res = await fetch(`http://127.0.0.1:${PORT}/`, { method: "POST", body: "y".repeat(LIMIT) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ bytes: LIMIT });
  });

  it("counts a chunked body and refuses it once it passes the limit", async () => {
    const chunk = "x".repeat(600);
    const body = `258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`;
    const head = await rawPost(0, 0, body);
    expect(head).toMatch(/^HTTP\/1\.1 413 /);
  });
});
