import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  renderSchemeTable,
  SCHEME_TABLE_END,
  SCHEME_TABLE_START,
} from "../src/core/signatures/scheme-table.js";
import { ROOT } from "./support/tsx.js";

describe("README", () => {
  it("lists exactly the schemes of the registry (paste the expected table between the markers)", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf(SCHEME_TABLE_START);
    const end = readme.indexOf(SCHEME_TABLE_END);
    expect(start, "README.md lacks the scheme table's start marker").toBeGreaterThanOrEqual(0);
    expect(end, "README.md lacks the scheme table's end marker").toBeGreaterThan(start);
    expect(readme.slice(start, end + SCHEME_TABLE_END.length)).toBe(renderSchemeTable());
  });
});
