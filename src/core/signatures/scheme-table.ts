import { SCHEMES } from "./registry.js";

/** The markers around the README's scheme table, which is generated from the registry. */
export const SCHEME_TABLE_START = "<!-- schemes:start (generated from src/core/signatures/registry.ts) -->";
export const SCHEME_TABLE_END = "<!-- schemes:end -->";

/** The README's table of `verify.scheme` values, so the docs cannot drift from the registry. */
export function renderSchemeTable(): string {
  const rows = SCHEMES.map((scheme) => {
    const signed = scheme.messageIdSigned;
    const id = typeof signed === "boolean" ? (signed ? "yes" : "no") : "when the template has `{id}`";
    return `| \`${scheme.name}\` | ${scheme.summary} | ${id} |`;
  });
  return [
    SCHEME_TABLE_START,
    "| `verify.scheme` | What is checked | Message id signed |",
    "| --- | --- | --- |",
    ...rows,
    SCHEME_TABLE_END,
  ].join("\n");
}
