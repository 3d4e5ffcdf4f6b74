import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exampleConfig, exampleEnv } from "./example.js";
import { envRef } from "./interpolate.js";
import { DEFAULT_CONFIG_FILE, loadConfigFile, resolveConfigPath } from "./load-file.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "taskgate-config-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("loadConfigFile", () => {
  it("reads and validates a JSONC file", () => {
    const text = `// taskgate\n${JSON.stringify(exampleConfig, null, 2).replace(/\n}$/, ",\n  /* done */\n}")}`;
    const result = loadConfigFile(write("taskgate.config.json", text), exampleEnv);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config.publicUrl).toBe("https://taskgate.example.com");
  });

  it("reports a syntax error with its line and column, at (file)", () => {
    const path = write("bad.json", '{\n  "publicUrl": "https://x",\n  "cdf": {\n    "project" "p"\n  }\n}');
    expect(loadConfigFile(path, {})).toEqual({
      ok: false,
      problems: [
        {
          path: "(file)",
          message: `${path}: invalid JSON at line 4, column 15: expected ':' after the property name`,
          fix: "correct the syntax at line 4, column 15 (comments and trailing commas are allowed)",
        },
      ],
    });
  });

  it("reports validation problems with their paths", () => {
    const path = write("c.json", JSON.stringify({ ...exampleConfig, log: { level: "loud" } }));
    const result = loadConfigFile(path, exampleEnv);
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(["log.level"]);
  });

  it("reads process.env by default", () => {
    const name = "TASKGATE_TEST_LOAD_FILE_SECRET";
    const path = write("c.json", JSON.stringify({ ...exampleConfig, log: { level: envRef(name) } }));
    process.env[name] = "warn";
    try {
      const result = loadConfigFile(path);
      expect(result.ok ? [] : result.problems.map((p) => p.path)).not.toContain("log.level");
    } finally {
      delete process.env[name];
    }
  });

  it("reports a missing file at (file)", () => {
    const path = join(dir, "nope.json");
    expect(loadConfigFile(path, {})).toEqual({
      ok: false,
      problems: [
        {
          path: "(file)",
          message: `${path} does not exist`,
          fix: "create it (start from taskgate.config.example.json) or pass the right path with --config or TASKGATE_CONFIG",
        },
      ],
    });
  });

  it("reports a directory at (file)", () => {
    const result = loadConfigFile(dir, {});
    expect(result).toMatchObject({
      ok: false,
      problems: [{ path: "(file)", message: `${dir} is a directory` }],
    });
  });
});

describe("resolveConfigPath", () => {
  it("prefers --config, then TASKGATE_CONFIG, then taskgate.config.json in the cwd", () => {
    const cli = write("cli.json", "{}");
    const fromEnv = write("env.json", "{}");
    const fallback = write(DEFAULT_CONFIG_FILE, "{}");
    const env = { TASKGATE_CONFIG: fromEnv };
    expect(resolveConfigPath(cli, env, dir)).toBe(cli);
    expect(resolveConfigPath(undefined, env, dir)).toBe(fromEnv);
    expect(resolveConfigPath(undefined, {}, dir)).toBe(fallback);
    expect(resolveConfigPath(undefined, { TASKGATE_CONFIG: "" }, dir)).toBe(fallback);
  });

  it("resolves relative paths against the cwd", () => {
    mkdirSync(join(dir, "conf"));
    expect(resolveConfigPath("conf/a.json", {}, dir)).toBe(join(dir, "conf", "a.json"));
    expect(resolveConfigPath(undefined, { TASKGATE_CONFIG: "conf/b.json" }, dir)).toBe(
      join(dir, "conf", "b.json"),
    );
  });

  it("returns undefined (local mode) only when no file is named and none exists", () => {
    expect(resolveConfigPath(undefined, {}, dir)).toBeUndefined();
  });

  it("returns an explicitly named path even when it does not exist, so loading fails loudly", () => {
    write(DEFAULT_CONFIG_FILE, "{}");
    const missing = join(dir, "missing.json");
    expect(resolveConfigPath(missing, {}, dir)).toBe(missing);
    expect(resolveConfigPath(undefined, { TASKGATE_CONFIG: missing }, dir)).toBe(missing);
    expect(loadConfigFile(missing, {})).toMatchObject({ ok: false, problems: [{ path: "(file)" }] });
  });

  it("uses the process's cwd and environment by default", () => {
    const saved = process.env.TASKGATE_CONFIG;
    process.env.TASKGATE_CONFIG = join(dir, "x.json");
    try {
      expect(resolveConfigPath()).toBe(join(dir, "x.json"));
    } finally {
      if (saved === undefined) delete process.env.TASKGATE_CONFIG;
      else process.env.TASKGATE_CONFIG = saved;
    }
  });
});
