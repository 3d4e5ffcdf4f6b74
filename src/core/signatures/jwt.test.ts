import { exportJWK, exportSPKI, type JWK, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { decodeUtf8, toBase64Url, utf8 } from "./encoding.js";
import { type SchemeConfigInput, VerifySchema } from "./schema.js";
import { signRequest } from "./sign.js";
import { makeRequest, outcome } from "./test-support.js";
import { createVerifier, type VerifierOptions } from "./verifier.js";

const NOW_S = 1_750_000_000;
const NOW = NOW_S * 1000;
const SECRET = "a-shared-secret-of-at-least-32-bytes!";
const OLD_SECRET = "the-previous-shared-secret-32-bytes!!";

const hsConfig: SchemeConfigInput = {
  scheme: "jwt",
  keys: [{ secret: OLD_SECRET }, { secret: SECRET }],
  algorithms: ["HS256"],
  issuer: "https://sender.example",
  audience: "taskgate",
  bindsBody: false,
};

/** For tests about keys, not claims: a bearer source that names no issuer or audience. */
const relaxed = {
  bindsBody: false as const,
  optionalClaims: ["iss", "aud", "exp"] as ("iss" | "aud" | "exp")[],
};

function verifier(config: SchemeConfigInput, options: VerifierOptions = {}) {
  return createVerifier(VerifySchema.parse(config), options);
}

function token(claims: Record<string, unknown> = {}, opts: { secret?: string; iat?: number } = {}) {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("https://sender.example")
    .setAudience("taskgate")
    .setIssuedAt(opts.iat ?? NOW_S)
    .setExpirationTime((opts.iat ?? NOW_S) + 600)
    .setJti("delivery-1")
    .sign(utf8(opts.secret ?? SECRET));
}

const bearer = (jwt: string) => makeRequest({ headers: { authorization: `Bearer ${jwt}` } });

describe("jwt (shared secret, bearer)", () => {
  const verify = verifier(hsConfig);

  it("accepts a valid token and reports jti and iat", async () => {
    expect(await verify(bearer(await token()), { now: NOW })).toEqual({
      ok: true,
      messageId: "delivery-1",
      timestamp: NOW,
    });
  });

  it("accepts a token signed with the previous secret (rotation)", async () => {
    expect(await outcome(verify(bearer(await token({}, { secret: OLD_SECRET })), { now: NOW }))).toBe("ok");
  });

  it("refuses a token signed with an unknown secret", async () => {
    expect(await outcome(verify(bearer(await token({}, { secret: "x".repeat(40) })), { now: NOW }))).toBe(
      "signature_invalid/mismatch",
    );
  });

  it("refuses a request without Authorization", async () => {
    expect(await outcome(verify(makeRequest({ headers: {} }), { now: NOW }))).toBe(
      "signature_invalid/missing_header",
    );
  });

  it("refuses an Authorization header that is not Bearer", async () => {
    const req = makeRequest({ headers: { authorization: `Basic ${await token()}` } });
    expect(await outcome(verify(req, { now: NOW }))).toBe("signature_invalid/malformed_header");
  });

  it("refuses an unsigned (alg none) token", async () => {
    const [, payload] = (await token()).split(".");
    const header = toBase64Url(utf8('{"alg":"none"}'));
    expect(await outcome(verify(bearer(`${header}.${payload}.`), { now: NOW }))).toBe(
      "signature_invalid/malformed_header",
    );
    expect(await outcome(verify(bearer(`${header}.${payload}.AAAA`), { now: NOW }))).toBe(
      "signature_invalid/wrong_algorithm",
    );
  });

  it("refuses a tampered payload and a tampered signature", async () => {
    const [h, p, s] = (await token()).split(".") as [string, string, string];
    const other = toBase64Url(
      utf8(
        decodeUtf8(
          Uint8Array.from(atob(p.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)),
        )!.replace("delivery-1", "delivery-2"),
      ),
    );
    expect(await outcome(verify(bearer(`${h}.${other}.${s}`), { now: NOW }))).toBe(
      "signature_invalid/mismatch",
    );
    const flipped = (s[0] === "A" ? "B" : "A") + s.slice(1);
    expect(await outcome(verify(bearer(`${h}.${p}.${flipped}`), { now: NOW }))).toBe(
      "signature_invalid/mismatch",
    );
  });

  it("refuses another issuer or audience", async () => {
    const wrongIssuer = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("https://evil.example")
      .setAudience("taskgate")
      .setIssuedAt(NOW_S)
      .sign(utf8(SECRET));
    const wrongAudience = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("https://sender.example")
      .setAudience("other")
      .setIssuedAt(NOW_S)
      .sign(utf8(SECRET));
    expect(await outcome(verify(bearer(wrongIssuer), { now: NOW }))).toBe("signature_invalid/claim_invalid");
    expect(await outcome(verify(bearer(wrongAudience), { now: NOW }))).toBe(
      "signature_invalid/claim_invalid",
    );
  });

  it("accepts a token expired less than the tolerance ago and refuses one expired exactly that long ago", async () => {
    // exp is exclusive (RFC 7519: not accepted on or after it), so the edge is exp + tolerance > now.
    const expiring = (exp: number) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer("https://sender.example")
        .setAudience("taskgate")
        .setExpirationTime(exp)
        .sign(utf8(SECRET));
    expect(await outcome(verify(bearer(await expiring(NOW_S - 299)), { now: NOW }))).toBe("ok");
    expect(await outcome(verify(bearer(await expiring(NOW_S - 300)), { now: NOW }))).toBe(
      "timestamp_out_of_tolerance/stale",
    );
  });

  it("requires exp, iss and aud unless the source relaxes them", async () => {
    const bare = (claims: { iss?: string; aud?: string; exp?: number }) => {
      let jwt = new SignJWT({}).setProtectedHeader({ alg: "HS256" });
      if (claims.iss) jwt = jwt.setIssuer(claims.iss);
      if (claims.aud) jwt = jwt.setAudience(claims.aud);
      if (claims.exp) jwt = jwt.setExpirationTime(claims.exp);
      return jwt.sign(utf8(SECRET));
    };
    const all = { iss: "https://sender.example", aud: "taskgate", exp: NOW_S + 60 };
    expect(await outcome(verify(bearer(await bare(all)), { now: NOW }))).toBe("ok");
    for (const missing of ["iss", "aud", "exp"] as const) {
      const token = await bare({ ...all, [missing]: undefined });
      expect(await outcome(verify(bearer(token), { now: NOW })), missing).toMatch(/^signature_invalid/);
    }
    const noExp = verifier({ ...hsConfig, optionalClaims: ["exp"] } as SchemeConfigInput);
    expect(await outcome(noExp(bearer(await bare({ ...all, exp: undefined })), { now: NOW }))).toBe("ok");
    // A source that names no issuer or audience is a config error unless it relaxes them.
    const open = { scheme: "jwt", keys: [{ secret: SECRET }], algorithms: ["HS256"], bindsBody: false };
    const problems = VerifySchema.safeParse(open).error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(problems).toEqual(["issuer", "audience"]);
    expect(VerifySchema.safeParse({ ...open, optionalClaims: ["iss", "aud"] }).success).toBe(true);
  });

  it("accepts a bearer source (which does not sign the body) only with bindsBody: false", () => {
    const { bindsBody: _, ...implicit } = hsConfig as Record<string, unknown>;
    const refused = VerifySchema.safeParse(implicit);
    expect(refused.error?.issues.map((i) => i.path.join("."))).toEqual(["bindsBody"]);
    expect(VerifySchema.safeParse({ ...implicit, bindsBody: true }).success).toBe(false);
    expect(VerifySchema.safeParse({ ...implicit, token: "body" }).success).toBe(true);
  });

  it("refuses a token not valid until after the tolerance", async () => {
    const early = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("https://sender.example")
      .setAudience("taskgate")
      .setNotBefore(NOW_S + 301)
      .setExpirationTime(NOW_S + 900)
      .sign(utf8(SECRET));
    expect(await outcome(verify(bearer(early), { now: NOW }))).toBe("timestamp_out_of_tolerance/future");
  });

  it("enforces a maximum age on iat, and then requires iat", async () => {
    const aged = verifier({ ...hsConfig, maxAge: "1m" } as SchemeConfigInput);
    expect(await outcome(aged(bearer(await token({}, { iat: NOW_S - 60 - 300 })), { now: NOW }))).toBe("ok");
    expect(await outcome(aged(bearer(await token({}, { iat: NOW_S - 60 - 301 })), { now: NOW }))).toBe(
      "timestamp_out_of_tolerance/stale",
    );
    const noIat = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("https://sender.example")
      .setAudience("taskgate")
      .sign(utf8(SECRET));
    expect(await outcome(aged(bearer(noIat), { now: NOW }))).toBe("signature_invalid/claim_invalid");
  });
});

describe("jwt (JWS body)", () => {
  const config = { ...hsConfig, token: "body" } as SchemeConfigInput;
  const verify = verifier(config);

  it("verifies a compact JWS body and returns its payload as the content", async () => {
    const signed = await signRequest(VerifySchema.parse(config), {
      url: "https://taskgate.example/hooks/x",
      body: utf8('{"status":"done"}'),
      now: NOW,
      messageId: "m-1",
    });
    const result = await verify(makeRequest({ headers: signed.headers, body: signed.body }), { now: NOW });
    expect(result.messageId).toBe("m-1");
    const content = JSON.parse(decodeUtf8(result.body!)!);
    expect(content.status).toBe("done");
  });

  it("refuses a body that is not a JWS", async () => {
    expect(await outcome(verify(makeRequest({ headers: {}, body: '{"status":"done"}' }), { now: NOW }))).toBe(
      "signature_invalid/malformed_header",
    );
  });
});

describe("jwt (public keys)", async () => {
  const es = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]);
  const rsa = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
  const esJwk = { ...(await exportJWK(es.publicKey)), kty: "EC", kid: "k1" } satisfies JWK;
  const rsaPem = await exportSPKI(rsa.publicKey);
  const esToken = (kid = "k1") =>
    new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid })
      .setIssuedAt(NOW_S)
      .setJti("j")
      .sign(es.privateKey);

  it("verifies ES256 against a fixed JWK", async () => {
    const verify = verifier({ scheme: "jwt", keys: [{ jwk: esJwk }], algorithms: ["ES256"], ...relaxed });
    expect(await outcome(verify(bearer(await esToken()), { now: NOW }))).toBe("ok");
  });

  it("verifies RS256 against a PEM public key", async () => {
    const verify = verifier({ scheme: "jwt", keys: [{ pem: rsaPem }], algorithms: ["RS256"], ...relaxed });
    const rs = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256" })
      .setIssuedAt(NOW_S)
      .sign(rsa.privateKey);
    expect(await outcome(verify(bearer(rs), { now: NOW }))).toBe("ok");
  });

  it("refuses HS256 keyed with the public key's PEM when RS256 is pinned (algorithm confusion)", async () => {
    const verify = verifier({ scheme: "jwt", keys: [{ pem: rsaPem }], algorithms: ["RS256"], ...relaxed });
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt(NOW_S)
      .sign(utf8(rsaPem));
    expect(await outcome(verify(bearer(forged), { now: NOW }))).toBe("signature_invalid/wrong_algorithm");
  });

  it("fetches a JWKS once and reuses it", async () => {
    let fetches = 0;
    const fetch = async () => {
      fetches++;
      return new Response(JSON.stringify({ keys: [esJwk] }), {
        headers: { "content-type": "application/json" },
      });
    };
    const verify = verifier(
      { scheme: "jwt", jwksUrl: "https://sender.example/jwks.json", algorithms: ["ES256"], ...relaxed },
      { fetch },
    );
    expect(await outcome(verify(bearer(await esToken()), { now: NOW }))).toBe("ok");
    expect(await outcome(verify(bearer(await esToken()), { now: NOW }))).toBe("ok");
    expect(fetches).toBe(1);
  });

  it("refuses a kid the JWKS does not hold", async () => {
    const fetch = async () => new Response(JSON.stringify({ keys: [esJwk] }));
    const verify = verifier(
      { scheme: "jwt", jwksUrl: "https://sender.example/jwks.json", algorithms: ["ES256"], ...relaxed },
      { fetch },
    );
    expect(await outcome(verify(bearer(await esToken("unknown")), { now: NOW }))).toBe(
      "signature_invalid/key_not_found",
    );
  });

  it("tries each key of a JWKS whose keys carry no kid", async () => {
    const other = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ]);
    const { kid: _kid, ...noKid } = esJwk;
    const fetch = async () =>
      new Response(JSON.stringify({ keys: [await exportJWK(other.publicKey), noKid] }));
    const verify = verifier(
      { scheme: "jwt", jwksUrl: "https://sender.example/jwks.json", algorithms: ["ES256"], ...relaxed },
      { fetch },
    );
    const untagged = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256" })
      .setIssuedAt(NOW_S)
      .sign(es.privateKey);
    expect(await outcome(verify(bearer(untagged), { now: NOW }))).toBe("ok");
  });

  it("answers 5xx (internal), not 401, when the JWKS cannot be fetched, so the sender retries", async () => {
    const fetch = async () => new Response("unavailable", { status: 503 });
    const verify = verifier(
      { scheme: "jwt", jwksUrl: "https://sender.example/jwks.json", algorithms: ["ES256"], ...relaxed },
      { fetch },
    );
    expect(await outcome(verify(bearer(await esToken()), { now: NOW }))).toBe("internal");
  });
});
