import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { exampleConfig, exampleEnv } from "./example.js";
import { formatProblems, parseConfig } from "./parse.js";

const exampleFile = fileURLToPath(new URL("../../taskgate.config.example.json", import.meta.url));

describe("exampleConfig", () => {
  it("is valid with its environment", () => {
    const result = parseConfig(exampleConfig, exampleEnv);
    if (!result.ok) throw new Error(formatProblems(result.problems));
    expect(result.config.signingKeys[0]!.secret).toBe(exampleEnv.TASKGATE_SIGNING_SECRET);
    expect(result.config.cdf.auth).toMatchObject({
      tokenUrl: `https://login.microsoftonline.com/${exampleEnv.AZURE_TENANT_ID}/oauth2/v2.0/token`,
    });
  });

  it("keeps every secret in the environment", () => {
    const result = parseConfig(exampleConfig, {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(new Set(result.problems.map((p) => p.fix))).toEqual(
        new Set(
          Object.keys(exampleEnv).map(
            (name) =>
              `export ${name}=... before starting taskgate (on Workers: a variable or secret named ${name})`,
          ),
        ),
      );
    }
  });

  it("is what taskgate.config.example.json holds", () => {
    expect(JSON.parse(readFileSync(exampleFile, "utf8"))).toEqual(exampleConfig);
  });
});
