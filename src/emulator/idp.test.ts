import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { TestClock } from "../../test/support/test-clock.js";
import { createEmulator, type Emulator } from "./emulator.js";

const BASE = "http://localhost";
const API = "/api/v1/projects/emulator";
const FORM = { "content-type": "application/x-www-form-urlencoded" };

describe("identity provider", () => {
  let clock: TestClock;
  let emulator: Emulator;

  beforeEach(() => {
    clock = new TestClock();
    emulator = createEmulator({ clock });
  });

  const tokenRequest = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    emulator.app.request("/oauth2/token", {
      method: "POST",
      headers: { ...FORM, ...headers },
      body: new URLSearchParams(fields),
    });
  const goodClient = {
    grant_type: "client_credentials",
    client_id: "taskgate-local",
    client_secret: "local-secret",
  };
  const issue = async (extra: Record<string, string> = {}) =>
    ((await (await tokenRequest({ ...goodClient, ...extra })).json()) as { access_token: string })
      .access_token;
  const apiStatus = async (token: string) =>
    (
      await emulator.app.request(`${API}/workflows/executions/list`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      })
    ).status;

  it("issues a signed JWT for client credentials, verifiable with the JWKS", async () => {
    const res = await tokenRequest({ ...goodClient, scope: "https://westeurope-1.cognitedata.com/.default" });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBe(3600);

    const jwks = (await (await emulator.app.request("/.well-known/jwks.json")).json()) as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
      issuer: BASE,
      audience: "https://westeurope-1.cognitedata.com",
      currentDate: new Date(clock.now()),
    });
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload.sub).toBe("taskgate-local");
    expect(payload.exp).toBe(Math.floor(clock.now() / 1000) + 3600);
  });

  it("accepts HTTP Basic client authentication", async () => {
    const res = await tokenRequest(
      { grant_type: "client_credentials" },
      { authorization: `Basic ${btoa("taskgate-local:local-secret")}` },
    );
    expect(res.status).toBe(200);
  });

  it("answers OAuth errors for a bad grant type or client", async () => {
    const unsupported = await tokenRequest({ ...goodClient, grant_type: "password" });
    expect(unsupported.status).toBe(400);
    expect(await unsupported.json()).toMatchObject({ error: "unsupported_grant_type" });
    const missing = await tokenRequest({ client_id: "taskgate-local" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: "invalid_request" });
    for (const fields of [
      { ...goodClient, client_secret: "wrong" },
      { ...goodClient, client_id: "someone-else" },
      { grant_type: "client_credentials" },
    ]) {
      const res = await tokenRequest(fields);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: "invalid_client" });
    }
  });

  it("serves an OpenID configuration with absolute URLs", async () => {
    const res = await emulator.app.request("/.well-known/openid-configuration");
    expect(await res.json()).toMatchObject({
      issuer: BASE,
      token_endpoint: `${BASE}/oauth2/token`,
      jwks_uri: `${BASE}/.well-known/jwks.json`,
    });
  });

  it("refuses API calls without a valid bearer token", async () => {
    const none = await emulator.app.request(`${API}/workflows/executions/list`, { method: "POST" });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { code: 401, message: "Could not authenticate." } });
    expect(await apiStatus("not-a-jwt")).toBe(401);
    // A token signed by another emulator's key is not ours.
    const other = createEmulator({ clock });
    const foreign = await (
      await other.app.request("/oauth2/token", {
        method: "POST",
        headers: FORM,
        body: new URLSearchParams(goodClient),
      })
    ).json();
    expect(await apiStatus((foreign as { access_token: string }).access_token)).toBe(401);
    expect(await apiStatus(await issue())).toBe(200);
  });

  it("answers 403 for another project", async () => {
    const res = await emulator.app.request("/api/v1/projects/other/workflows/executions/list", {
      method: "POST",
      headers: { authorization: `Bearer ${await issue()}` },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(403);
  });

  it("expires tokens by the injected clock", async () => {
    const token = await issue();
    clock.advance(3599_000);
    expect(await apiStatus(token)).toBe(200);
    clock.advance(1000);
    expect(await apiStatus(token)).toBe(401);
  });

  it("applies a changed token lifetime to tokens issued afterwards", async () => {
    const old = await issue();
    emulator.config.tokenLifetimeSeconds = 60;
    const res = await tokenRequest(goodClient);
    const short = (await res.json()) as { access_token: string; expires_in: number };
    expect(short.expires_in).toBe(60);
    clock.advance(61_000);
    expect(await apiStatus(short.access_token)).toBe(401);
    expect(await apiStatus(old)).toBe(200);

    const viaAdmin = await emulator.app.request("/_emulator/config", {
      method: "POST",
      body: JSON.stringify({ tokenLifetimeSeconds: 5 }),
    });
    expect(await viaAdmin.json()).toEqual({ tokenLifetimeSeconds: 5, maxConcurrentRequests: 50 });
    expect(emulator.config.tokenLifetimeSeconds).toBe(5);
  });

  it("revokes every token issued so far, but not later ones", async () => {
    const before = await issue();
    expect(await apiStatus(before)).toBe(200);
    emulator.revokeTokens();
    expect(await apiStatus(before)).toBe(401);
    const after = await issue();
    expect(await apiStatus(after)).toBe(200);
    const res = await emulator.app.request("/_emulator/tokens/revoke", { method: "POST" });
    expect(res.status).toBe(200);
    expect(await apiStatus(after)).toBe(401);
  });

  it("mints arbitrary tokens from the same key for OIDC tests", async () => {
    const res = await emulator.app.request("/_emulator/tokens", {
      method: "POST",
      body: JSON.stringify({
        subject: "alice",
        audience: "taskgate",
        claims: { roles: ["taskgate"] },
        expiresInSeconds: 120,
      }),
    });
    const { token } = (await res.json()) as { token: string };
    const jwks = (await (await emulator.app.request("/.well-known/jwks.json")).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: BASE,
      audience: "taskgate",
      currentDate: new Date(clock.now()),
    });
    expect(payload).toMatchObject({ sub: "alice", roles: ["taskgate"] });
    expect(payload.exp! - payload.iat!).toBe(120);

    const forged = (await (
      await emulator.app.request("/_emulator/tokens", {
        method: "POST",
        body: JSON.stringify({ claims: { iss: "https://evil.example" }, expiresInSeconds: -10 }),
      })
    ).json()) as { token: string };
    expect(decodeJwt(forged.token).iss).toBe("https://evil.example");
    expect(decodeProtectedHeader(forged.token).alg).toBe("ES256");
    expect(await apiStatus(forged.token)).toBe(401);
  });

  it("logs token calls without the client secret", async () => {
    await issue({ scope: "s/.default" });
    await tokenRequest({ grant_type: "client_credentials" }, { authorization: `Basic ${btoa("a:b")}` });
    expect(emulator.requests).toHaveLength(2);
    expect(emulator.requests[0]).toMatchObject({
      method: "POST",
      path: "/oauth2/token",
      status: 200,
      body: { grant_type: "client_credentials", client_id: "taskgate-local", scope: "s/.default" },
    });
    expect(emulator.requests[1]!.status).toBe(401);
    expect(JSON.stringify(emulator.requests)).not.toContain("local-secret");
  });
});
