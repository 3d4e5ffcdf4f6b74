import * as z from "zod";

/**
 * The schemas that apply at a path of a document, outermost wrapper first. Used to turn zod
 * issues into helpful problems (known keys for "did you mean", hints for fixes) without keeping
 * a second description of the document. Discriminated unions are resolved with the input.
 */
export function schemasAt(root: z.ZodType, path: readonly PropertyKey[], input: unknown): z.ZodType[] {
  let layers = unwrap(root, input);
  let value = input;
  for (const segment of path) {
    value = childOf(value, segment);
    const next = layers.map((layer) => descend(layer, segment)).find((s) => s !== undefined);
    if (!next) return [];
    layers = unwrap(next, value);
  }
  return layers;
}

/** The keys an object schema at `path` accepts, or nothing when there is no object there. */
export function knownKeysAt(root: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  for (const layer of schemasAt(root, path, input)) {
    if (layer instanceof z.ZodObject) return Object.keys(layer.shape);
  }
  return [];
}

/** The value at `path` of a parsed JSON document, or undefined. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) value = childOf(value, segment);
  return value;
}

function childOf(value: unknown, segment: PropertyKey): unknown {
  if (Array.isArray(value) && typeof segment === "number") return value[segment];
  if (value !== null && typeof value === "object" && !Array.isArray(value) && typeof segment === "string") {
    return Object.hasOwn(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return undefined;
}

function unwrap(schema: z.ZodType, value: unknown): z.ZodType[] {
  const layers: z.ZodType[] = [];
  let current: z.ZodType | undefined = schema;
  while (current && !layers.includes(current)) {
    layers.push(current);
    current = inner(current, value);
  }
  return layers;
}

function inner(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodReadonly ||
    schema instanceof z.ZodNonOptional ||
    schema instanceof z.ZodCatch
  ) {
    return schema.unwrap() as z.ZodType;
  }
  if (schema instanceof z.ZodPipe) return schema.in as z.ZodType;
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const key = schema.def.discriminator;
    const tag = childOf(value, key);
    return (schema.options as z.ZodType[]).find((option) => {
      if (!(option instanceof z.ZodObject)) return false;
      const field = option.shape[key];
      return field instanceof z.ZodLiteral && field.values.has(tag as never);
    });
  }
  return undefined;
}

function descend(schema: z.ZodType, segment: PropertyKey): z.ZodType | undefined {
  if (schema instanceof z.ZodObject && typeof segment === "string") {
    return Object.hasOwn(schema.shape, segment) ? (schema.shape[segment] as z.ZodType) : undefined;
  }
  if (schema instanceof z.ZodArray && typeof segment === "number") return schema.element as z.ZodType;
  if (schema instanceof z.ZodRecord && typeof segment === "string") return schema.valueType as z.ZodType;
  if (schema instanceof z.ZodUnion && !(schema instanceof z.ZodDiscriminatedUnion)) {
    for (const option of schema.options as z.ZodType[]) {
      const found = unwrap(option, undefined)
        .map((layer) => descend(layer, segment))
        .find((s) => s !== undefined);
      if (found) return found;
    }
  }
  return undefined;
}
