import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/**
 * A PostgreSQL cluster of the test's own, in a temp dir on a free port, so a fault test can kill
 * its connections and restart it without touching the shared server other tests use. Uses the
 * Debian server binaries (the package CI installs to run the shared server); as root, runs them
 * as the `postgres` user, which initdb requires.
 */
export class OwnPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** The server binaries, or undefined where PostgreSQL is not installed. */
  static binaries(): string | undefined {
    const root = "/usr/lib/postgresql";
    if (!existsSync(root)) return undefined;
    const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
    const bin = version && join(root, version, "bin");
    return bin && existsSync(join(bin, "initdb")) ? bin : undefined;
  }

  static async start(): Promise<OwnPostgres> {
    const bin = OwnPostgres.binaries();
    if (!bin) throw new Error("PostgreSQL server binaries are not installed");
    const dir = mkdtempSync(join(tmpdir(), "taskgate-pg-"));
    if (process.getuid?.() === 0) {
      const ids = execFileSync("id", ["-u", "postgres"]).toString().trim();
      const gid = execFileSync("id", ["-g", "postgres"]).toString().trim();
      chownSync(dir, Number(ids), Number(gid));
    }
    const own = new OwnPostgres(dir, await freePort(), bin);
    own.run("initdb", ["-D", join(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    await own.startServer();
    return own;
  }

  /** Starts the server (again) and waits until it takes connections. */
  async startServer(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
    this.run("pg_ctl", [
      "-D",
      join(this.dir, "data"),
      "-o",
      opts,
      "-l",
      join(this.dir, "log"),
      "-w",
      "start",
    ]);
  }

  /** A fast shutdown: every session is cut, as in a failover. */
  stopServer(): void {
    this.run("pg_ctl", ["-D", join(this.dir, "data"), "-m", "fast", "-w", "stop"]);
  }

  /** Terminates every other session (the way an operator or a failover cuts them). */
  async terminateAll(): Promise<number> {
    const admin = new pg.Client({ connectionString: this.url });
    admin.on("error", () => {});
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: string }>(
        `select count(*) filter (where pg_terminate_backend(pid)) as n from pg_stat_activity
          where pid <> pg_backend_pid() and backend_type = 'client backend'`,
      );
      return Number(rows[0]?.n ?? 0);
    } finally {
      await admin.end().catch(() => {});
    }
  }

  destroy(): void {
    spawnSync(
      this.cmd("pg_ctl")[0]!,
      [...this.cmd("pg_ctl").slice(1), "-D", join(this.dir, "data"), "-m", "immediate", "stop"],
      {
        stdio: "ignore",
      },
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  private cmd(name: string): string[] {
    const path = join(this.bin, name);
    return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", path] : [path];
  }

  private run(name: string, args: string[]): void {
    const [file, ...pre] = this.cmd(name);
    const r = spawnSync(file!, [...pre, ...args], { encoding: "utf8", cwd: this.dir });
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr || r.stdout}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
