import * as z from "zod";
import type { JsonSchema } from "./document-types.js";
import type { NamedSchema } from "./route-doc.js";

const COMPONENT_PREFIX = "#/components/schemas/";

/** The `$ref` of a named schema in the document. */
export function componentRef(name: string): { $ref: string } {
  return { $ref: `${COMPONENT_PREFIX}${name}` };
}

/**
 * Every named schema as JSON Schema 2020-12, keyed by name. Requests are written as their input
 * (what a caller may send: defaults optional, `ttl` before it becomes milliseconds), responses as
 * their output. A named schema used inside another becomes a `$ref`, so each shape is written once.
 */
export function componentSchemas(
  requests: NamedSchema[],
  responses: NamedSchema[],
): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  const inputs = registryOf(requests);
  const outputs = registryOf(responses);
  for (const name of Object.keys(inputs.names)) {
    if (name in outputs.names)
      throw new Error(`openapi: "${name}" names both a request and a response schema`);
  }
  Object.assign(out, convert(inputs.registry, "input"), convert(outputs.registry, "output"));
  return out;
}

/** One schema as JSON Schema on its own (query strings, error envelopes), without `$schema`. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
  });
  return rest;
}

function registryOf(schemas: NamedSchema[]) {
  const registry = z.registry<{ id: string }>();
  const names: Record<string, z.ZodType> = {};
  for (const { name, schema } of schemas) {
    const seen = names[name];
    if (seen === schema) continue;
    if (seen !== undefined) throw new Error(`openapi: two different schemas are named "${name}"`);
    const other = registry.get(schema)?.id;
    if (other !== undefined) throw new Error(`openapi: one schema is named both "${other}" and "${name}"`);
    names[name] = schema;
    registry.add(schema, { id: name });
  }
  return { registry, names };
}

function convert(
  registry: z.core.$ZodRegistry<{ id: string }>,
  io: "input" | "output",
): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    uri: (id) => `${COMPONENT_PREFIX}${id}`,
  });
  const out: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const { $schema: _s, $id: _i, ...rest } = schema as JsonSchema;
    out[name] = rest;
  }
  return out;
}
