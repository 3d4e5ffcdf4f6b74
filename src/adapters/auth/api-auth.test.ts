import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClock } from "../../../test/support/test-clock.js";
import { TaskgateError } from "../../core/errors.js";
import { DEFAULT_SCOPES } from "../../core/scopes.js";
import { type EmulatorServer, startEmulatorServer } from "../../emulator/serve-node.js";
import type { Authenticate } from "../../ports/authenticate.js";
import { createApiAuthenticator } from "./api-auth.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    return err instanceof TaskgateError ? err.code : `unexpected ${String(err)}`;
  }
}

describe("API keys", () => {
  const auth = createApiAuthenticator(
    {
      keys: [
        { name: "fn", sha256: sha("the-key") },
        { name: "ops", sha256: sha("ops-key"), scopes: ["admin"] },
        { name: "reader", sha256: sha("reader-key"), scopes: ["deliveries:read"] },
      ],
    },
    new TestClock(),
  );

  it("accepts a configured key by its hash and names the caller", async () => {
    expect(await auth("the-key")).toEqual({ kind: "api-key", name: "fn", scopes: DEFAULT_SCOPES });
  });

  it("gives a key its configured scopes, and a key without scopes every scope but admin", async () => {
    expect((await auth("ops-key")).scopes).toEqual(["admin"]);
    expect((await auth("reader-key")).scopes).toEqual(["deliveries:read"]);
    expect((await auth("the-key")).scopes).not.toContain("admin");
  });

  it.each(["the-key ", "The-key", "", "x".repeat(9000), sha("the-key")])("refuses %j", async (bearer) => {
    expect(await codeOf(auth(bearer))).toBe("unauthorized");
  });
});

/** OIDC against the emulator's identity provider: a real JWKS over HTTP, fetched and cached by jose. */
describe("OIDC bearer tokens", () => {
  let idp: EmulatorServer;
  let auth: Authenticate;
  const clock = { now: () => Date.now(), sleep: async () => {} };
  const mint = async (body: Record<string, unknown>) => {
    const res = await fetch(`${idp.url}/_emulator/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return ((await res.json()) as { token: string }).token;
  };

  beforeAll(async () => {
    idp = await startEmulatorServer({ port: 0 });
    auth = createApiAuthenticator(
      {
        keys: [{ name: "fn", sha256: sha("the-key") }],
        oidc: {
          issuer: idp.url,
          audience: "api://taskgate",
          jwksUrl: `${idp.url}/.well-known/jwks.json`,
          require: { roles: ["taskgate"] },
          algorithms: ["RS256", "ES256"],
          clockToleranceMs: 0,
        },
      },
      clock,
    );
  });
  afterAll(() => idp?.close());

  it("accepts a token with the right issuer, audience and required claim", async () => {
    const token = await mint({
      audience: "api://taskgate",
      subject: "svc-1",
      claims: { roles: ["reader", "taskgate"] },
    });
    expect(await auth(token)).toEqual({ kind: "oidc", name: "svc-1", scopes: DEFAULT_SCOPES });
    // API keys keep working beside OIDC.
    expect((await auth("the-key")).kind).toBe("api-key");
  });

  it("reads the scopes from oidc.scopesClaim when it is set, and grants none without the claim", async () => {
    const scoped = createApiAuthenticator(
      {
        oidc: {
          issuer: idp.url,
          audience: "api://taskgate",
          jwksUrl: `${idp.url}/.well-known/jwks.json`,
          scopesClaim: "taskgate_scopes",
          algorithms: ["RS256", "ES256"],
          clockToleranceMs: 0,
        },
      },
      clock,
    );
    const withClaim = await mint({
      audience: "api://taskgate",
      subject: "svc-2",
      claims: { taskgate_scopes: "waits admin unknown" },
    });
    expect((await scoped(withClaim)).scopes).toEqual(["waits", "admin"]);
    const without = await mint({ audience: "api://taskgate", subject: "svc-3" });
    expect((await scoped(without)).scopes).toEqual([]);
  });

  it("refuses another audience or issuer with 401", async () => {
    expect(await codeOf(auth(await mint({ audience: "api://other", claims: { roles: ["taskgate"] } })))).toBe(
      "unauthorized",
    );
    const foreignIssuer = await mint({
      audience: "api://taskgate",
      claims: { roles: ["taskgate"], iss: "https://evil" },
    });
    expect(await codeOf(auth(foreignIssuer))).toBe("unauthorized");
  });

  it("refuses an expired token with 401", async () => {
    const token = await mint({
      audience: "api://taskgate",
      claims: { roles: ["taskgate"], exp: Math.floor(Date.now() / 1000) - 5 },
    });
    expect(await codeOf(auth(token))).toBe("unauthorized");
  });

  it("answers 403 when a required claim is missing", async () => {
    expect(
      await codeOf(auth(await mint({ audience: "api://taskgate", claims: { roles: ["reader"] } }))),
    ).toBe("forbidden");
    expect(await codeOf(auth(await mint({ audience: "api://taskgate" })))).toBe("forbidden");
  });

  it("refuses a token signed by a key not in the JWKS, and an HS256 token, with 401", async () => {
    const hs = await new SignJWT({ roles: ["taskgate"] })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(idp.url)
      .setAudience("api://taskgate")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("x".repeat(32)));
    expect(await codeOf(auth(hs))).toBe("unauthorized");
    const { privateKey } = await generateKeyPair("ES256");
    const stranger = await new SignJWT({ roles: ["taskgate"] })
      .setProtectedHeader({ alg: "ES256", kid: "not-in-the-jwks" })
      .setIssuer(idp.url)
      .setAudience("api://taskgate")
      .setExpirationTime("5m")
      .sign(privateKey);
    expect(await codeOf(auth(stranger))).toBe("unauthorized");
    const none = `${btoa(JSON.stringify({ alg: "none" }))}.${btoa(JSON.stringify({ iss: idp.url, aud: "api://taskgate", roles: ["taskgate"] }))}.`;
    expect(await codeOf(auth(none))).toBe("unauthorized");
  });

  it("refuses a token without exp, even from a trusted key with the right issuer and audience", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256" };
    const server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
      const own = createApiAuthenticator(
        {
          keys: [],
          oidc: {
            issuer: "https://issuer.test",
            audience: "api://taskgate",
            jwksUrl: url,
            algorithms: ["ES256"],
            clockToleranceMs: 0,
          },
        },
        new TestClock(),
      );
      const sign = (exp: boolean) => {
        const jwt = new SignJWT({})
          .setProtectedHeader({ alg: "ES256", kid: "k1" })
          .setIssuer("https://issuer.test")
          .setAudience("api://taskgate")
          .setSubject("svc");
        return (exp ? jwt.setExpirationTime(Math.floor(new TestClock().now() / 1000) + 60) : jwt).sign(
          privateKey,
        );
      };
      expect(await own(await sign(true))).toEqual({ kind: "oidc", name: "svc", scopes: DEFAULT_SCOPES });
      expect(await codeOf(own(await sign(false)))).toBe("unauthorized");
    } finally {
      server.close();
    }
  });
});
