import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type HttpBindings, serve } from "@hono/node-server";
import { createEmulator, type Emulator, type EmulatorOptions } from "./emulator.js";

export interface EmulatorServerOptions extends Omit<EmulatorOptions, "dropConnection"> {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface EmulatorServer {
  /** e.g. `http://127.0.0.1:54321`, no trailing slash. */
  url: string;
  emulator: Emulator;
  close(): Promise<void>;
}

/**
 * The emulator on its own Node HTTP server (Node only: the rest of src/emulator is portable).
 * Here a `drop` fault really destroys the TCP socket, so clients see a connection reset.
 */
export async function startEmulatorServer(options: EmulatorServerOptions = {}): Promise<EmulatorServer> {
  const { port = 0, host = "127.0.0.1", ...emulatorOptions } = options;
  const emulator = createEmulator({
    ...emulatorOptions,
    dropConnection: (c) => {
      const env = c.env as Partial<HttpBindings> | undefined;
      env?.incoming?.socket.destroy();
    },
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: emulator.app.fetch, port, hostname: host }, () =>
      resolve(started as Server),
    );
    started.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  // A wildcard listen address is not something a client can call; name loopback instead.
  const reachable =
    address.address === "0.0.0.0" ? "127.0.0.1" : address.address === "::" ? "::1" : address.address;
  const hostPart = reachable.includes(":") ? `[${reachable}]` : reachable;
  return {
    url: `http://${hostPart}:${address.port}`,
    emulator,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
