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
  return fillSlots(preparedTemplate(db, key, build), values, key);
}

/** The statement of `key` with its slots unfilled, built once per database (see `prepared`). */
export function preparedTemplate(
  db: Kysely<Database>,
  key: string,
  build: (db: Kysely<Database>) => CompiledQuery,
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
  return template;
}

/** A template's statement with every slot filled from `values` (`what` names it in errors). */
export function fillSlots(
  template: CompiledQuery,
  values: Readonly<Record<string, unknown>>,
  what = template.sql,
): CompiledQuery {
  const parameters = template.parameters.map((p) => {
    if (!isSlot(p)) return p;
    const name = p[SLOT];
    if (!Object.hasOwn(values, name)) throw new Error(`prepared ${what}: no value for ${name}`);
    return values[name];
  });
  return { ...template, parameters, queryId: createQueryId() };
}

/** Where the slot `name` sits in a template's parameters (-1: nowhere). */
export function slotIndex(template: CompiledQuery, name: string): number {
  return template.parameters.findIndex((p) => isSlot(p) && p[SLOT] === name);
}
