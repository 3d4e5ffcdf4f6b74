import type { JsonSchema } from "../openapi/document-types.js";

/**
 * Reading JSON Schema (as zod writes it) for people: a short type phrase and its constraints, and
 * `$ref`s resolved against the document's components. Pure, so the page's words are testable.
 */

/** A schema with its component name, when it came from a `$ref`. */
export interface Resolved {
  schema: JsonSchema;
  name: string | null;
}

const REF_PREFIX = "#/components/schemas/";

/** Follows a `$ref` into `components.schemas` (one level: components do not point at components). */
export function resolve(schema: JsonSchema, components: Record<string, JsonSchema>): Resolved {
  const ref = schema.$ref;
  if (typeof ref === "string" && ref.startsWith(REF_PREFIX)) {
    const name = ref.slice(REF_PREFIX.length);
    const target = components[name];
    if (target) return { schema: target, name };
  }
  return { schema, name: null };
}

/** The variants of a union (`anyOf` / `oneOf`), or null. */
export function variants(schema: JsonSchema): JsonSchema[] | null {
  const list = schema.anyOf ?? schema.oneOf;
  return Array.isArray(list) ? (list as JsonSchema[]) : null;
}

/** The properties of an object schema, in order, each with whether it is required. */
export function propertiesOf(schema: JsonSchema): { name: string; schema: JsonSchema; required: boolean }[] {
  const props = schema.properties;
  if (typeof props !== "object" || props === null) return [];
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(props as Record<string, JsonSchema>).map(([name, s]) => ({
    name,
    schema: s,
    required: required.has(name),
  }));
}

/** "string", "integer or null", "array of Wait", "one of: a, b", "`any`". */
export function typePhrase(schema: JsonSchema, components: Record<string, JsonSchema>): string {
  const { schema: s, name } = resolve(schema, components);
  if (name) return name;
  if ("const" in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const union = variants(s);
  if (union) return union.map((v) => typePhrase(v, components)).join(" or ");
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === "string" ? [s.type] : [];
  if (types.length === 0) return "any JSON";
  return types
    .map((t) => {
      if (t === "array" && typeof s.items === "object" && s.items !== null)
        return `array of ${typePhrase(s.items as JsonSchema, components)}`;
      if (t === "object" && propertiesOf(s).length === 0) return "object";
      if (t === "string" && typeof s.format === "string") return `string (${s.format})`;
      return t;
    })
    .join(" or ");
}

/** The limits worth saying: lengths, ranges, item counts and the default. */
export function constraintWords(schema: JsonSchema): string[] {
  const out: string[] = [];
  const num = (k: string) => (typeof schema[k] === "number" ? (schema[k] as number) : undefined);
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    if (min !== undefined && max !== undefined)
      out.push(min === max ? `exactly ${min} ${unit}` : `${min}–${max} ${unit}`);
    else if (min !== undefined) out.push(`at least ${min} ${unit}`);
    else if (max !== undefined) out.push(`at most ${max} ${unit}`);
  };
  range(num("minLength"), num("maxLength"), "characters");
  range(num("minItems"), num("maxItems"), "items");
  const max = num("maximum");
  const shownMax = max === undefined || max >= Number.MAX_SAFE_INTEGER ? undefined : max;
  const exclusiveMin = num("exclusiveMinimum");
  if (exclusiveMin !== undefined) out.push(`> ${exclusiveMin}`);
  const rawMin = num("minimum");
  const min = rawMin === undefined || rawMin <= -Number.MAX_SAFE_INTEGER ? undefined : rawMin;
  if (min !== undefined && shownMax !== undefined) out.push(`${min}–${shownMax}`);
  else if (min !== undefined) out.push(`≥ ${min}`);
  else if (shownMax !== undefined) out.push(`≤ ${shownMax}`);
  if ("default" in schema) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}
