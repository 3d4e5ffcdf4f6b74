import { join } from "node:path";

/** A gateway started in this process from a checkout's built JavaScript (its dist/). */
export interface BuiltGateway {
  app: { fetch(req: Request): Response | Promise<Response> };
  close(graceMs?: number): Promise<void>;
}

/**
 * What the in-process benches (accept-cpu.ts, forward-cpu.ts) need from the build of `repo`, which
 * may be another checkout (a before/after comparison): its `startGateway` and its config loader.
 */
export async function importBuild(repo: string): Promise<{
  startGateway(o: Record<string, unknown>): Promise<BuiltGateway>;
  loadConfigFile(path: string): { ok: true; config: unknown } | { ok: false; problems: unknown };
}> {
  const { startGateway } = (await import(join(repo, "dist/node.js"))) as {
    startGateway(o: Record<string, unknown>): Promise<BuiltGateway>;
  };
  const { loadConfigFile } = (await import(join(repo, "dist/config/load-file.js"))) as {
    loadConfigFile(path: string): { ok: true; config: unknown } | { ok: false; problems: unknown };
  };
  return { startGateway, loadConfigFile };
}
