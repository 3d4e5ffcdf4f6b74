import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CdfEmulator } from "./cdf.js";
import { type GatewayConfigFile, type GatewayConfigOptions, writeGatewayConfig } from "./gateway-config.js";
import {
  type ChildGateway,
  type InProcessGateway,
  killAllChildren,
  type SpawnOptions,
  spawnGateway,
  startInProcessGateway,
} from "./gateways.js";
import { TcpProxy } from "./tcp-proxy.js";

/**
 * Everything a test starts (emulators, gateways, child processes, temp dirs), released in reverse
 * order by `cleanup()` even when a test failed half-way. Call it from afterEach/afterAll.
 */
export class Resources {
  private readonly releases: (() => Promise<void> | void)[] = [];

  defer(release: () => Promise<void> | void): void {
    this.releases.push(release);
  }

  async cleanup(): Promise<void> {
    const errors: unknown[] = [];
    while (this.releases.length > 0) {
      const release = this.releases.pop()!;
      try {
        await release();
      } catch (err) {
        errors.push(err);
      }
    }
    // Belt and braces: a child started outside this registry still does not outlive the test.
    await killAllChildren();
    if (errors.length > 0) throw new AggregateError(errors, "cleanup failed");
  }

  tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "taskgate-test-"));
    this.defer(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  async cdf(): Promise<CdfEmulator> {
    const cdf = await CdfEmulator.start();
    this.defer(() => cdf.close());
    return cdf;
  }

  async proxy(targetUrl: string): Promise<TcpProxy> {
    const proxy = await TcpProxy.start(targetUrl);
    this.defer(() => proxy.down());
    return proxy;
  }

  /** A config file in a fresh temp dir (with its SQLite database beside it). */
  config(o: Omit<GatewayConfigOptions, "dir"> & { dir?: string }): GatewayConfigFile {
    return writeGatewayConfig({ ...o, dir: o.dir ?? this.tempDir() });
  }

  async inProcessGateway(file: GatewayConfigFile): Promise<InProcessGateway> {
    const gateway = await startInProcessGateway(file);
    this.defer(() => gateway.close());
    return gateway;
  }

  async childGateway(file: GatewayConfigFile, options: SpawnOptions = {}): Promise<ChildGateway> {
    const child = await spawnGateway(file, options);
    this.defer(async () => {
      child.kill("SIGKILL");
      await child.exited;
    });
    return child;
  }
}
