// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${env:...} references
import { describe, expect, it } from "vitest";
import { envRef, interpolateEnv } from "./interpolate.js";

const ref = envRef;

describe("interpolateEnv", () => {
  const env = { A: "alpha", B: "beta", EMPTY: "", SECRET: "s3cr3t-value-do-not-leak" };

  it("replaces whole and embedded references, several per string, at any depth", () => {
    const raw = {
      whole: ref("A"),
      embedded: `x-${ref("A")}-y`,
      several: `${ref("A")}/${ref("B")}/${ref("A")}`,
      nested: { deeper: [ref("B"), { inArray: [[`[${ref("A")}]`]] }] },
      untouched: ["plain", 1, true, null, "$env:A", "{env:A}", "${A}"],
    };
    const { value, problems } = interpolateEnv(raw, env);
    expect(problems).toEqual([]);
    expect(value).toEqual({
      whole: "alpha",
      embedded: "x-alpha-y",
      several: "alpha/beta/alpha",
      nested: { deeper: ["beta", { inArray: [["[alpha]"]] }] },
      untouched: ["plain", 1, true, null, "$env:A", "{env:A}", "${A}"],
    });
  });

  it("does not mutate its input", () => {
    const raw = { a: [ref("A")] };
    interpolateEnv(raw, env);
    expect(raw).toEqual({ a: [ref("A")] });
  });

  it("does not expand references that come from a variable's value", () => {
    const { value } = interpolateEnv({ x: ref("NESTED") }, { NESTED: ref("SECRET"), ...env });
    expect(value).toEqual({ x: ref("SECRET") });
  });

  it("reports missing and empty variables at their path and leaves the string as written", () => {
    const raw = {
      cdf: { auth: { clientSecret: ref("CDF_CLIENT_SECRET") } },
      signingKeys: [{ kid: "k", secret: `pre-${ref("EMPTY")}` }],
    };
    const { value, problems } = interpolateEnv(raw, env);
    expect(problems).toEqual([
      {
        path: "cdf.auth.clientSecret",
        message: "${env:CDF_CLIENT_SECRET} is not set",
        fix: "export CDF_CLIENT_SECRET=... before starting taskgate (on Workers: a variable or secret named CDF_CLIENT_SECRET)",
      },
      {
        path: "signingKeys[0].secret",
        message: "${env:EMPTY} is set but empty",
        fix: "export EMPTY=... before starting taskgate (on Workers: a variable or secret named EMPTY)",
      },
    ]);
    expect(value).toEqual(raw);
  });

  it("reports each missing variable of a string once", () => {
    const { problems } = interpolateEnv({ x: `${ref("M1")}${ref("M2")}${ref("M1")}` }, env);
    expect(problems.map((p) => p.message)).toEqual(["${env:M1} is not set", "${env:M2} is not set"]);
  });

  it.each([["${env:}"], ["${env:a b}"], ["${env:1ABC}"], ["x ${env:A"], ["${env:A-B}"]])(
    "reports the malformed reference %j",
    (text) => {
      const { problems } = interpolateEnv({ list: [text] }, env);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.path).toBe("list[0]");
      expect(problems[0]!.message).toMatch(/^malformed environment reference/);
      expect(problems[0]!.fix).toBe("write it as ${env:NAME}, e.g. ${env:CDF_CLIENT_SECRET}");
    },
  );

  it.each([
    ["${ENV:GITHUB_SECRET}", "${env:GITHUB_SECRET}"],
    ["${Env:GITHUB_SECRET}", "${env:GITHUB_SECRET}"],
    ["pre-${eNv:GITHUB_SECRET}-post", "${env:GITHUB_SECRET}"],
    ["${ env:GITHUB_SECRET }", "${env:GITHUB_SECRET}"],
    ["${ENV:}", "${env:NAME}, e.g. ${env:CDF_CLIENT_SECRET}"],
  ])("reports %j (almost a reference) instead of taking it literally", (text, written) => {
    const raw = { sources: { github: { verify: { secrets: [text] } } } };
    // Set or not, the variable is never read through a reference that is not one.
    const { value, problems } = interpolateEnv(raw, { GITHUB_SECRET: "s3cr3t-value" });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe("sources.github.verify.secrets[0]");
    expect(problems[0]!.message).toMatch(/is not an environment reference \(the prefix is case-sensitive/);
    expect(problems[0]!.fix).toBe(`write it as ${written}`);
    expect(JSON.stringify(problems)).not.toContain("s3cr3t-value");
    expect(value).toEqual(raw);
  });

  it("reports an almost-reference beside a real one in the same string", () => {
    const { problems } = interpolateEnv({ x: `${ref("A")}:\${ENV:B}:${ref("MISSING")}` }, env);
    expect(problems.map((p) => p.message)).toEqual([
      "${ENV:B} is not an environment reference (the prefix is case-sensitive and has no spaces), so it would be taken literally",
      "${env:MISSING} is not set",
    ]);
  });

  it("never puts a value into a problem", () => {
    const { problems } = interpolateEnv(
      { a: `${ref("SECRET")}${ref("MISSING")}`, b: `${ref("SECRET")} ${ref("x y")}` },
      env,
    );
    expect(problems).toHaveLength(2);
    expect(JSON.stringify(problems)).not.toContain(env.SECRET);
  });

  it("keeps a __proto__ key as data", () => {
    const raw = JSON.parse('{"__proto__": {"polluted": "${env:A}"}}');
    const { value } = interpolateEnv(raw, env);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value as object, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
