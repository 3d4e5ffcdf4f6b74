import { type CompiledQuery, createQueryId, type Kysely } from "kysely";
import type { Database } from "./schema.js";

const SLOT = Symbol("prepared statement slot");

interface Slot {
  readonly [SLOT]: string;
}

/**
 * A named placeholder for a value given per call, written where the builder takes a value.
 * Typed as whatever the builder expects there: it only ever reaches the compiled parameters.
 */
export function slot<T>(name: string): T {
  return { [SLOT]: name } satisfies Slot as unknown as T;
}

const isSlot = (value: unknown): value is Slot =>
  typeof value === "object" && value !== null && SLOT in value;

const templates = new WeakMap<Kysely<Database>, Map<string, CompiledQuery>>();

/**
 * A hot statement built with Kysely's builder once per database and `key` (its shape), then
 * reused with this call's values: on the accept path building a statement costs more than
 * SQLite takes to run it. `build` writes `slot(name)` where a value goes; `values[name]` fills
 * it. The SQL text is Kysely's own, so dialects, quoting and parameter order stay its business.
 */
export function prepared(
  db: Kysely<Database>,
  key: string,
  build: (db: Kysely<Database>) => CompiledQuery,
  values: Readonly<Record<string, unknown>>,
): CompiledQuery {
  let forDb = templates.get(db);
  if (!forDb) {
    forDb = new Map();
    templates.set(db, forDb);
  }
  let template = forDb.get(key);
  if (!template) {
    template = build(db);
    forDb.set(key, template);
  }
  const parameters = template.parameters.map((p) => {
    if (!isSlot(p)) return p;
    const name = p[SLOT];
    if (!Object.hasOwn(values, name)) throw new Error(`prepared ${key}: no value for ${name}`);
    return values[name];
  });
  return { ...template, parameters, queryId: createQueryId() };
}
