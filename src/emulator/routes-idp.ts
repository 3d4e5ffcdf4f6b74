import type { Context, Hono } from "hono";
import type { EmulatorEnv, EmulatorState } from "./context.js";
import { issuerOf } from "./context.js";
import { SIGNING_ALG } from "./idp.js";
import { TOKEN_PATH } from "./traffic.js";

/**
 * The identity provider: OAuth2 client credentials (form fields or HTTP Basic, as Entra ID
 * accepts), a JWKS and an OpenID discovery document, all with absolute URLs built from the
 * request so they stay right under any host and mount prefix.
 */
export function registerIdpRoutes(app: Hono<EmulatorEnv>, state: EmulatorState): void {
  app.post(TOKEN_PATH, async (c) => {
    const form = new URLSearchParams(c.get("bodyText"));
    const grantType = form.get("grant_type");
    if (!grantType) return oauthError(c, 400, "invalid_request", "grant_type is required.");
    if (grantType !== "client_credentials") {
      return oauthError(c, 400, "unsupported_grant_type", "Only client_credentials is supported.");
    }
    const { clientId, clientSecret } = clientAuth(c, form);
    const client = state.clients.find((k) => k.clientId === clientId && k.clientSecret === clientSecret);
    if (!client) return oauthError(c, 401, "invalid_client", "Unknown client or wrong secret.");
    const issuer = issuerOf(c);
    const scopes = (form.get("scope") ?? "").split(" ").filter(Boolean);
    const audience = scopes.map((s) => s.replace(/\/\.default$/, ""));
    const lifetime = state.config.tokenLifetimeSeconds;
    const { token } = await state.idp.sign({
      issuer,
      subject: client.clientId,
      audience: audience.length === 0 ? undefined : audience.length === 1 ? audience[0] : audience,
      lifetimeSeconds: lifetime,
      claims: { azp: client.clientId, ...(scopes.length ? { scp: scopes.join(" ") } : {}) },
    });
    c.header("cache-control", "no-store");
    return c.json({ access_token: token, token_type: "Bearer", expires_in: lifetime });
  });

  app.get("/.well-known/jwks.json", async (c) => c.json(await state.idp.jwks()));

  app.get("/.well-known/openid-configuration", (c) => {
    const issuer = issuerOf(c);
    return c.json({
      issuer,
      token_endpoint: `${issuer}${TOKEN_PATH}`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      grant_types_supported: ["client_credentials"],
      token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      id_token_signing_alg_values_supported: [SIGNING_ALG],
      response_types_supported: ["token"],
      subject_types_supported: ["public"],
    });
  });
}

/** Client credentials from the form, or from `Authorization: Basic` (RFC 6749 §2.3.1). */
function clientAuth(
  c: Context<EmulatorEnv>,
  form: URLSearchParams,
): { clientId: string | null; clientSecret: string | null } {
  const basic = /^Basic\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  if (basic) {
    try {
      const decoded = atob(basic[1]!);
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        return {
          clientId: decodeURIComponent(decoded.slice(0, colon)),
          clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
        };
      }
    } catch {
      // not valid Basic credentials: fall back to the form
    }
  }
  return { clientId: form.get("client_id"), clientSecret: form.get("client_secret") };
}

function oauthError(
  c: Context<EmulatorEnv>,
  status: 400 | 401,
  error: string,
  description: string,
): Response {
  c.header("cache-control", "no-store");
  return c.json({ error, error_description: description }, status);
}
