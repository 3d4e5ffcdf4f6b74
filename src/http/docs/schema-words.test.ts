import { describe, expect, it } from "vitest";
import { constraintWords, propertiesOf, resolve, typePhrase } from "./schema-words.js";

const components = { Wait: { type: "object", properties: { id: { type: "string" } }, required: ["id"] } };

describe("reading a JSON Schema for people", () => {
  it("names a referenced component, and resolves it", () => {
    expect(typePhrase({ $ref: "#/components/schemas/Wait" }, components)).toBe("Wait");
    expect(resolve({ $ref: "#/components/schemas/Wait" }, components)).toEqual({
      schema: components.Wait,
      name: "Wait",
    });
    expect(resolve({ $ref: "#/components/schemas/Nope" }, components).name).toBeNull();
  });

  it("says types, nullability, arrays, enums, constants and unions", () => {
    expect(typePhrase({ type: ["string", "null"] }, components)).toBe("string or null");
    expect(typePhrase({ type: "array", items: { $ref: "#/components/schemas/Wait" } }, components)).toBe(
      "array of Wait",
    );
    expect(typePhrase({ type: "string", enum: ["a", "b"] }, components)).toBe('"a" | "b"');
    expect(typePhrase({ type: "string", const: "any" }, components)).toBe('"any"');
    expect(typePhrase({ anyOf: [{ type: "string" }, { type: "integer" }] }, components)).toBe(
      "string or integer",
    );
    expect(typePhrase({ type: "string", format: "email" }, components)).toBe("string (email)");
    expect(typePhrase({}, components)).toBe("any JSON");
  });

  it("says the limits that matter and hides zod's safe-integer bounds", () => {
    expect(constraintWords({ minLength: 36, maxLength: 36 })).toEqual(["exactly 36 characters"]);
    expect(constraintWords({ minLength: 1, maxLength: 255 })).toEqual(["1–255 characters"]);
    expect(constraintWords({ minItems: 1, maxItems: 25 })).toEqual(["1–25 items"]);
    expect(constraintWords({ type: "integer", minimum: 1, maximum: 1000, default: 100 })).toEqual([
      "1–1000",
      "default 100",
    ]);
    expect(
      constraintWords({ type: "integer", exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    ).toEqual(["> 0"]);
    expect(constraintWords({ type: "integer", minimum: -Number.MAX_SAFE_INTEGER })).toEqual([]);
  });

  it("lists properties in order with whether each is required", () => {
    expect(propertiesOf({ properties: { a: {}, b: {} }, required: ["b"] })).toEqual([
      { name: "a", schema: {}, required: false },
      { name: "b", schema: {}, required: true },
    ]);
    expect(propertiesOf({ type: "string" })).toEqual([]);
  });
});
