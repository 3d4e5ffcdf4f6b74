import { describe, expect, it } from "vitest";
import { keyLocation, unknownFunctions } from "./expression-shape.js";

describe("keyLocation", () => {
  it.each([
    ["correlationKey", { in: "body", path: ["correlationKey"] }],
    ["data.object.id", { in: "body", path: ["data", "object", "id"] }],
    ["payload.actions[0].value", { in: "body", path: ["payload", "actions", 0, "value"] }],
    ["$string(workflow_run.id)", { in: "body", path: ["workflow_run", "id"] }],
    ["`x-y`.z", { in: "body", path: ["x-y", "z"] }],
    ["$headers.'X-Request-Key'", { in: "header", name: "x-request-key" }],
  ])("%s is a place to write the key", (expression, location) => {
    expect(keyLocation(expression)).toEqual(location);
  });

  it.each([
    "event & ':' & data.envelopeId",
    "$uppercase(data.id)",
    "items[type = 'x'].id",
    "items[-1].id",
    "items[$i].id",
    "$query.key",
    "$headers.a.b",
    "data.(id)",
    "not jsonata (",
  ])("%s is not (computed keys fall back to the sample's own place)", (expression) => {
    expect(keyLocation(expression)).toBeUndefined();
  });
});

describe("unknownFunctions", () => {
  it("names functions JSONata does not have, which compile but fail when their branch runs", async () => {
    expect(await unknownFunctions("type = 'x' ? $foo(data) : $bar()")).toEqual(["$foo", "$bar"]);
    expect(await unknownFunctions("$lowercase($nope(a))")).toEqual(["$nope"]);
  });

  it("knows JSONata's own functions, the expression's own bindings and lambdas", async () => {
    expect(await unknownFunctions("$string($number(a)) & $uppercase($substringBefore(b, '-'))")).toEqual([]);
    expect(await unknownFunctions("($up := function($s) { $uppercase($s) }; $up(a))")).toEqual([]);
    expect(await unknownFunctions("$map(items, function($v, $i) { $v.id })")).toEqual([]);
    expect(await unknownFunctions("$headers.'x-a' & $query.b")).toEqual([]);
    expect(await unknownFunctions("not jsonata (")).toEqual([]);
  });
});
