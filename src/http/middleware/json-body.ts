import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type * as z from "zod";
import { TaskgateError } from "../../core/errors.js";
import { parseJsonChecked } from "../../core/json-limits.js";
import type { AppEnv } from "../env.js";
import { zodProblems } from "../zod-problems.js";

/**
 * Reads a JSON body strictly: JSON content type (415 otherwise), parseable (400
 * `malformed_body`), no deeper than 64 levels (400 `too_deep`), finite numbers only (400
 * `invalid_number`), then the schema (400 `invalid_request` naming each path). The size limit is
 * enforced before this by the body-limit middleware. An empty body counts as `{}` when allowed.
 */
export async function readJson<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
  options: { emptyAsObject?: boolean } = {},
): Promise<z.output<S>> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (text.trim().length > 0 || !options.emptyAsObject) {
    const type = c.req.header("content-type") ?? "";
    if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type)) {
      throw new TaskgateError("unsupported_media_type", "send the body as application/json");
    }
    raw = parseJsonChecked(text);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new TaskgateError("invalid_request", "the request body is invalid", {
      details: { problems: zodProblems(parsed.error) },
    });
  }
  return parsed.data;
}

/**
 * `readJson` as a validator middleware: the handler reads `c.req.valid("json")`, and the
 * schema's input type reaches typed clients (`hc`) the way Hono's own validators do.
 */
export function jsonBody<S extends z.ZodType>(schema: S, options: { emptyAsObject?: boolean } = {}) {
  return createMiddleware<AppEnv, string, { in: { json: z.input<S> }; out: { json: z.output<S> } }>(
    async (c, next) => {
      c.req.addValidatedData("json", (await readJson(c, schema, options)) as object);
      await next();
    },
  );
}
