import { describe, expect, it } from "vitest";
import { formatPath, formatProblems } from "./problem.js";

describe("formatPath", () => {
  it.each([
    [[], "(root)"],
    [["cdf", "auth", "clientSecret"], "cdf.auth.clientSecret"],
    [["signingKeys", 0, "secret"], "signingKeys[0].secret"],
    [["api", "oidc", "audience", 1], "api.oidc.audience[1]"],
    [[0, "x"], "[0].x"],
    [["api", "oidc", "require", "my-claim"], 'api.oidc.require["my-claim"]'],
  ] as const)("%j → %s", (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe("formatProblems", () => {
  it("writes one line per problem", () => {
    expect(
      formatProblems([
        { path: "a", message: "missing", fix: "add it" },
        { path: "b[0]", message: "empty", fix: "fill it" },
      ]),
    ).toBe("a: missing; fix: add it\nb[0]: empty; fix: fill it");
  });
});
