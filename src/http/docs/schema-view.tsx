/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * A JSON Schema as a list of fields (name, type, required, limits, description), nested objects
 * indented under their field. Server-rendered: the reference page needs no script.
 */

import type { FC } from "hono/jsx";
import type { JsonSchema } from "../openapi/document-types.js";
import { Markdown } from "../pages/markdown/render.js";
import { constraintWords, propertiesOf, resolve, typePhrase, variants } from "./schema-words.js";

type Components = Record<string, JsonSchema>;

/**
 * A request marks the fields a caller must send; a response, the fields that may be absent
 * (nearly all are always there, so marking those would be noise).
 */
export type SchemaMode = "request" | "response";

/** Deep enough for every shape taskgate answers with; a deeper one is cut, not looped. */
const MAX_DEPTH = 6;

/** The fields of an object schema, or what a non-object schema is. */
export const SchemaView: FC<{
  schema: JsonSchema;
  components: Components;
  mode: SchemaMode;
  depth?: number;
}> = ({ schema, components, mode, depth = 0 }) => {
  const { schema: s } = resolve(schema, components);
  const fields = propertiesOf(s);
  if (fields.length > 0) return <FieldList schema={s} components={components} mode={mode} depth={depth} />;
  const union = variants(s)?.filter((v) => propertiesOf(resolve(v, components).schema).length > 0);
  if (union && union.length > 0)
    return <Variants list={union} components={components} mode={mode} depth={depth} />;
  return (
    <p class="schema-plain">
      <span class="type">{typePhrase(s, components)}</span>
      {typeof s.description === "string" ? <> — {s.description}</> : null}
    </p>
  );
};

const FieldList: FC<{ schema: JsonSchema; components: Components; mode: SchemaMode; depth: number }> = ({
  schema,
  components,
  mode,
  depth,
}) => (
  <ul class="fields">
    {propertiesOf(schema).map((f) => (
      <li class="field">
        <div class="field-head">
          <code class="field-name">{f.name}</code>
          <span class="type">{typePhrase(f.schema, components)}</span>
          {mode === "request" && f.required ? <span class="req">required</span> : null}
          {mode === "response" && !f.required ? <span class="opt">sometimes absent</span> : null}
          {constraintWords(resolve(f.schema, components).schema).map((w) => (
            <span class="limit">{w}</span>
          ))}
        </div>
        <FieldDescription schema={f.schema} components={components} />
        {depth < MAX_DEPTH ? (
          <Nested schema={f.schema} components={components} mode={mode} depth={depth + 1} />
        ) : null}
      </li>
    ))}
  </ul>
);

const FieldDescription: FC<{ schema: JsonSchema; components: Components }> = ({ schema, components }) => {
  const own = schema.description ?? resolve(schema, components).schema.description;
  return typeof own === "string" ? (
    <div class="field-desc">
      <Markdown source={own} />
    </div>
  ) : null;
};

/** What sits inside a field: an object's fields, an array's item fields, or a union's variants. */
const Nested: FC<{ schema: JsonSchema; components: Components; mode: SchemaMode; depth: number }> = ({
  schema,
  components,
  mode,
  depth,
}) => {
  const { schema: s } = resolve(schema, components);
  if (propertiesOf(s).length > 0)
    return <FieldList schema={s} components={components} mode={mode} depth={depth} />;
  const items =
    typeof s.items === "object" && s.items !== null ? resolve(s.items as JsonSchema, components) : null;
  if (items && propertiesOf(items.schema).length > 0)
    return <FieldList schema={items.schema} components={components} mode={mode} depth={depth} />;
  if (items) {
    const union = variants(items.schema)?.filter(
      (v) => propertiesOf(resolve(v, components).schema).length > 0,
    );
    if (union && union.length > 0)
      return <Variants list={union} components={components} mode={mode} depth={depth} />;
  }
  const union = variants(s)?.filter((v) => propertiesOf(resolve(v, components).schema).length > 0);
  if (union && union.length > 0)
    return <Variants list={union} components={components} mode={mode} depth={depth} />;
  return null;
};

const Variants: FC<{ list: JsonSchema[]; components: Components; mode: SchemaMode; depth: number }> = ({
  list,
  components,
  mode,
  depth,
}) => (
  <div class="variants">
    <p class="variant-label">one of {list.length} shapes:</p>
    <ol>
      {list.map((v) => (
        <li class="variant">
          <FieldList
            schema={resolve(v, components).schema}
            components={components}
            mode={mode}
            depth={depth}
          />
        </li>
      ))}
    </ol>
  </div>
);
