import {
  type MappedWebhook,
  type MappingConfig,
  mappedWebhook,
  type SourceMapping,
} from "./source-mapping.js";

type Field = keyof MappingConfig;

/** One expression's result on one payload: its value, or the error JSONata raised. */
export type FieldResult =
  | { ok: true; value: unknown }
  | { ok: false; code: string | undefined; message: string };

/** Every expression of a source run over one payload, as `taskgate check` and `send` report it. */
export interface MappingTrial {
  fields: Partial<Record<Field, FieldResult>>;
  /** The decision, when no expression failed. */
  mapped?: MappedWebhook;
  /** The expressions that failed, in the order taskgate evaluates them. */
  failed: Field[];
}

const ORDER: Field[] = ["status", "correlationKey", "output", "dedupeKey"];

/**
 * Runs each expression on its own, so one that fails does not hide another, and keeps JSONata's
 * error code and message (an unknown function, a type error) instead of stopping at the first.
 * The same compiled expressions and budget as the gateway: what passes here maps the same there.
 */
export async function tryMapping(
  mapping: SourceMapping,
  body: unknown,
  bindings: { headers: Record<string, string>; query: Record<string, string> },
): Promise<MappingTrial> {
  const fields: Partial<Record<Field, FieldResult>> = {};
  const failed: Field[] = [];
  for (const field of ORDER) {
    const expression = mapping[field];
    if (!expression) continue;
    try {
      fields[field] = { ok: true, value: await expression.evaluate(body, bindings) };
    } catch (err) {
      const e = err as { code?: string; message?: string; position?: number };
      const at = e.position === undefined ? "" : ` at character ${e.position}`;
      fields[field] = {
        ok: false,
        code: e.code,
        message: `${e.code ? `JSONata ${e.code}` : "error"}${at}: ${e.message ?? String(err)}`,
      };
      failed.push(field);
    }
  }
  if (failed.length > 0) return { fields, failed };
  const value = (field: Field) => {
    const r = fields[field];
    return r?.ok ? r.value : undefined;
  };
  return {
    fields,
    failed,
    mapped: mappedWebhook({
      status: value("status"),
      correlationKey: value("correlationKey"),
      output: value("output"),
      dedupeKey: value("dedupeKey"),
    }),
  };
}
