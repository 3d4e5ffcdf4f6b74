import type { TestProject } from "vitest/node";
import { startEmulatorServer } from "../../src/emulator/serve-node.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Origin of the CDF emulator the workerd tests' gateway forwards to, e.g. http://127.0.0.1:41234 */
    emulatorUrl: string;
  }
}

/**
 * Vitest global setup for the workerd suite: the CDF emulator on a real Node HTTP server, so the
 * worker under test reaches it the way a deployed worker reaches CDF, by an outbound fetch (and
 * the test reaches it the same way, through the emulator's admin routes).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startEmulatorServer({ port: 0, host: "127.0.0.1" });
  project.provide("emulatorUrl", server.url);
  return () => server.close();
}
