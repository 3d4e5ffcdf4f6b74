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
 * it (or `more[name]`, for names `values` lacks: no merged object per call). The SQL text is
 * Kysely's own, so dialects, quoting and parameter order stay its business.
 */
export function prepared(
  db: Kysely<Database>,
  key: string,
  build: (db: Kysely<Database>) => CompiledQuery,
  values: object,
  more?: object,
): CompiledQuery {
  return fillSlots(preparedTemplate(db, key, build), values, key, more);
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

/** Per template, the slot name at each parameter position (null: a value of the template's own). */
const slotNames = new WeakMap<CompiledQuery, readonly (string | null)[]>();

function slotNamesOf(template: CompiledQuery): readonly (string | null)[] {
  let names = slotNames.get(template);
  if (!names) {
    names = template.parameters.map((p) => (isSlot(p) ? p[SLOT] : null));
    slotNames.set(template, names);
  }
  return names;
}

/**
 * A template's statement with every slot filled from `values`, or from `more` for a name `values`
 * lacks (`what` names the statement in errors). Hot: it runs for every statement an accept writes,
 * so the slots' names are found once per template and no merged values object is built.
 */
export function fillSlots(
  template: CompiledQuery,
  valuesObject: object,
  what = template.sql,
  moreObject?: object,
): CompiledQuery {
  const values = valuesObject as Readonly<Record<string, unknown>>;
  const more = moreObject as Readonly<Record<string, unknown>> | undefined;
  const names = slotNamesOf(template);
  const parameters: unknown[] = new Array(names.length);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (name === null || name === undefined) {
      parameters[i] = template.parameters[i];
      continue;
    }
    let value = values[name];
    if (value === undefined && !Object.hasOwn(values, name)) {
      if (!more || !Object.hasOwn(more, name)) throw new Error(`prepared ${what}: no value for ${name}`);
      value = more[name];
    }
    parameters[i] = value;
  }
  return { query: template.query, sql: template.sql, parameters, queryId: createQueryId() };
}

/** Where the slot `name` sits in a template's parameters (-1: nowhere). */
export function slotIndex(template: CompiledQuery, name: string): number {
  return template.parameters.findIndex((p) => isSlot(p) && p[SLOT] === name);
}
