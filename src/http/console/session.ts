import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { TaskgateError } from "../../core/errors.js";
import { grants } from "../../core/scopes.js";
import type { Principal } from "../../ports/authenticate.js";
import type { AppEnv } from "../env.js";

/** How long a console session lasts after sign-in; then the operator pastes the key again. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/** Who is signed in: the key's name (recorded with every action) and the CSRF secret of the session. */
export interface ConsoleSession {
  name: string;
  /** The session's id (the token's jti). */
  id: string;
  /** Synchronizer token: every state-changing form must echo it. */
  csrf: string;
  expiresAt: number;
}

/**
 * Whether this principal may use the console: the `admin` scope (DESIGN.md §4). A key configured
 * without scopes has every scope but `admin`, so it cannot sign in.
 */
export function isAdmin(principal: Principal): boolean {
  return grants(principal.scopes, "admin");
}

/**
 * The cookie is `__Host-` prefixed where it can be (https): the browser then refuses it unless it
 * is Secure, host-only and for the whole site, so no sibling domain can plant or read it.
 */
export function sessionCookieName(c: Context<AppEnv>): string {
  return secure(c) ? "__Host-taskgate_console" : "taskgate_console";
}

function secure(c: Context<AppEnv>): boolean {
  return c.get("deps").publicUrl.startsWith("https:");
}

/** 32 random bytes, base64url: the session's CSRF secret. */
function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Signs the operator in: a signed, HttpOnly, SameSite=Strict cookie that expires with the session. */
export async function startSession(c: Context<AppEnv>, name: string): Promise<void> {
  const { tokens, clock, ids } = c.get("deps");
  const now = clock.now();
  const expiresAt = now + SESSION_TTL_MS;
  const token = await tokens.sign(
    { purpose: "console", subject: name, expiresAt, extra: { csrf: randomSecret() } },
    now,
    ids.newId(),
  );
  setCookie(c, sessionCookieName(c), token, {
    path: "/",
    httpOnly: true,
    sameSite: "Strict",
    secure: secure(c),
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function endSession(c: Context<AppEnv>): void {
  deleteCookie(c, sessionCookieName(c), { path: "/", secure: secure(c) });
}

/** The session the request's cookie proves, or undefined (no cookie, forged, expired). */
export async function readSession(c: Context<AppEnv>): Promise<ConsoleSession | undefined> {
  const token = getCookie(c, sessionCookieName(c));
  if (!token) return undefined;
  try {
    const claims = await c.get("deps").tokens.verify(token, "console", c.get("deps").clock.now());
    if (typeof claims.csrf !== "string" || typeof claims.jti !== "string" || !claims.exp) return undefined;
    return { name: claims.sub, id: claims.jti, csrf: claims.csrf, expiresAt: claims.exp * 1000 };
  } catch {
    return undefined;
  }
}

/** Refuses a state-changing form whose CSRF token is not this session's (constant-time compare). */
export function checkCsrf(session: ConsoleSession, submitted: unknown): void {
  if (typeof submitted !== "string" || !equalStrings(submitted, session.csrf)) {
    throw new TaskgateError(
      "csrf_invalid",
      "the form is stale or did not come from this console; reload the page and try again",
    );
  }
}

function equalStrings(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
