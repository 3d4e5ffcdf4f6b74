import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { getConnInfo as nodeConnInfo } from "@hono/node-server/conninfo";
import { Hono } from "hono";
import { getConnInfo as workersConnInfo } from "hono/cloudflare-workers";
import { afterEach, describe, expect, it } from "vitest";
import { type ClientAddress, clientAddressFrom } from "./client-meta.js";

const SPOOFED = { "x-forwarded-for": "198.51.100.1, 10.0.0.1" };

function echo(clientAddress: ClientAddress) {
  return new Hono().get("/", (c) => c.json({ address: clientAddress(c) }));
}

describe("client addresses on Node (the socket)", () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  async function served(clientAddress: ClientAddress): Promise<string> {
    const app = echo(clientAddress);
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    close = () => server.close();
    await new Promise((resolve) => server.once("listening", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  it("reads the peer of the socket and ignores X-Forwarded-For", async () => {
    const url = await served(clientAddressFrom(nodeConnInfo));
    const res = await fetch(url, { headers: SPOOFED });
    expect(await res.json()).toEqual({ address: "127.0.0.1" });
  });

  it("believes the first X-Forwarded-For hop only when trustProxy is set", async () => {
    const url = await served(clientAddressFrom(nodeConnInfo, { trustProxy: true }));
    expect(await (await fetch(url, { headers: SPOOFED })).json()).toEqual({ address: "198.51.100.1" });
    expect(await (await fetch(url)).json()).toEqual({ address: "127.0.0.1" });
  });

  it("says null when there is no socket (a request handed to app.fetch in-process)", async () => {
    const res = await echo(clientAddressFrom(nodeConnInfo)).request("/", { headers: SPOOFED });
    expect(await res.json()).toEqual({ address: null });
  });
});

describe("client addresses on Workers (CF-Connecting-IP)", () => {
  const workers = echo(clientAddressFrom(workersConnInfo));

  it("reads the platform's header and ignores X-Forwarded-For", async () => {
    const res = await workers.request("/", { headers: { ...SPOOFED, "cf-connecting-ip": "203.0.113.9" } });
    expect(await res.json()).toEqual({ address: "203.0.113.9" });
    expect(await (await workers.request("/", { headers: SPOOFED })).json()).toEqual({ address: null });
  });

  it("believes X-Forwarded-For first when trustProxy is set", async () => {
    const trusting = echo(clientAddressFrom(workersConnInfo, { trustProxy: true }));
    const res = await trusting.request("/", { headers: { ...SPOOFED, "cf-connecting-ip": "203.0.113.9" } });
    expect(await res.json()).toEqual({ address: "198.51.100.1" });
  });
});
