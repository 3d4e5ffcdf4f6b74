import type { Scope } from "../core/scopes.js";

/** Who called the API: an API key by its name, or an OIDC subject, and what it may do. */
export interface Principal {
  kind: "api-key" | "oidc";
  name: string;
  /** What the caller may do (DESIGN.md §4); `admin` grants every scope. */
  scopes: readonly Scope[];
}

/**
 * Turns a bearer credential into the caller, or throws (`unauthorized`, `forbidden`). A port so
 * the HTTP layer needs no adapter: keys and OIDC (adapters/auth) or a test double plug in behind it.
 */
export type Authenticate = (bearer: string) => Promise<Principal>;
