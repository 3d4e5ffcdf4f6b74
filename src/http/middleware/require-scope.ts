import { createMiddleware } from "hono/factory";
import { TaskgateError } from "../../core/errors.js";
import { grants, type Scope } from "../../core/scopes.js";
import type { AppEnv } from "../env.js";

/**
 * Refuses a caller (already authenticated by apiAuth) whose scopes do not grant `scope`: 403
 * `insufficient_scope`, naming the scope, so the operator knows what to add to the key.
 */
export function requireScope(scope: Scope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get("principal");
    if (!principal || !grants(principal.scopes, scope)) {
      throw new TaskgateError(
        "insufficient_scope",
        `this credential lacks the "${scope}" scope (or "admin")`,
        { details: { required: scope } },
      );
    }
    await next();
  });
}
