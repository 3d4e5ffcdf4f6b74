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
        message: "environment variable CDF_CLIENT_SECRET is not set",
        fix: "set env CDF_CLIENT_SECRET",
      },
      {
        path: "signingKeys[0].secret",
        message: "environment variable EMPTY is set but empty",
        fix: "set env EMPTY",
      },
    ]);
    expect(value).toEqual(raw);
  });

  it("reports each missing variable of a string once", () => {
    const { problems } = interpolateEnv({ x: `${ref("M1")}${ref("M2")}${ref("M1")}` }, env);
    expect(problems.map((p) => p.message)).toEqual([
      "environment variable M1 is not set",
      "environment variable M2 is not set",
    ]);
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
