import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import { SCOPES } from "../../core/scopes.js";
import { createEmulator } from "../../emulator/emulator.js";
import { buildOpenApiDocument, openApiPath, operationId, pathParams } from "./document.js";
import type { OpenApiDocument } from "./document-types.js";
import { named, type RouteDoc } from "./route-doc.js";
import { ROUTE_DOCS, UNDOCUMENTED_PREFIXES } from "./route-docs.js";

describe("the OpenAPI document", () => {
  let store: KyselyStore;
  let t: ReturnType<typeof testApp>;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    const clock = new TestClock();
    // With the emulator mounted, as in local mode: its routes are left out by prefix, not by luck.
    t = testApp({ store, cdf: emulatedCdf(clock).cdf, clock, overrides: { emulator: createEmulator().app } });
    const res = await t.app.request("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    doc = (await res.json()) as OpenApiDocument;
  });
  afterAll(() => store.close());

  it("describes every route of the app, and no route the app does not have", () => {
    const served = new Set<string>();
    for (const r of t.app.routes) {
      if (r.method === "ALL") continue; // middleware
      if (UNDOCUMENTED_PREFIXES.some(({ prefix }) => r.path.startsWith(prefix))) continue;
      served.add(`${r.method} ${r.path}`);
    }
    const described = new Set(ROUTE_DOCS.map((d) => `${d.method.toUpperCase()} ${d.path}`));
    const missing = [...served].filter((r) => !described.has(r));
    const stale = [...described].filter((r) => !served.has(r));
    // A failure names the routes: add an entry to the route file's *-docs.ts (see route-docs.ts).
    expect(missing, "routes without an entry in a *-docs.ts").toEqual([]);
    expect(stale, "entries for routes the app does not have").toEqual([]);
    expect(served.size).toBeGreaterThan(15);
  });

  it("leaves out only what it lists, and the emulator's routes are really there to leave out", () => {
    expect(t.app.routes.some((r) => r.path.startsWith("/emulator/"))).toBe(true);
    expect(
      Object.keys(doc.paths).filter((p) => UNDOCUMENTED_PREFIXES.some((u) => p.startsWith(u.prefix))),
    ).toEqual([]);
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("names this taskgate's publicUrl and version", () => {
    expect(doc.servers).toEqual([{ url: "https://taskgate.test", description: expect.any(String) }]);
    expect(doc.info.version).toBe("test");
  });

  it("asks a bearer credential with the route's scope on the /v1 management routes and none on the public ones", () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const managed = path.startsWith("/v1/") && !path.startsWith("/v1/callbacks/");
        if (!managed) {
          expect(op.security, `${method} ${path}`).toEqual([]);
          continue;
        }
        const scope = op.security?.[0]?.apiKey?.[0];
        expect(SCOPES, `${method} ${path}`).toContain(scope);
        expect(op.security, `${method} ${path}`).toEqual([{ apiKey: [scope] }, { oidc: [scope] }]);
        expect(op.description, `${method} ${path}`).toContain(`**Scope:** \`${scope}\``);
        expect(op.responses["401"], `${method} ${path}`).toBeDefined();
        expect(op.responses["403"], `${method} ${path}`).toBeDefined();
      }
    }
    expect(doc.paths["/v1/deliveries/{id}/replay"]?.post?.security).toEqual([
      { apiKey: ["deliveries:replay"] },
      { oidc: ["deliveries:replay"] },
    ]);
    expect(Object.keys(doc.components.securitySchemes)).toEqual(["apiKey", "oidc"]);
  });

  it("describes each public route's own credential in prose, each signature scheme by name", () => {
    const hook = doc.paths["/hooks/{source}"]?.post;
    for (const scheme of ["standard-webhooks", "github", "stripe", "slack", "hmac", "jwt"])
      expect(hook?.description).toContain(`\`${scheme}\``);
    expect(doc.paths["/v1/callbacks/{token}"]?.post?.description).toContain("signed token in the path");
    expect(doc.paths["/a/{token}"]?.get?.description).toContain("signed token in the path");
  });

  it("answers every error in the envelope, with the codes of each status, and 500 everywhere", () => {
    const waitGet = doc.paths["/v1/waits/{id}"]?.get;
    const notFound = waitGet?.responses["404"]?.content?.["application/json"]?.schema as {
      properties: { error: { properties: { code: { enum: string[] } }; required: string[] } };
    };
    expect(notFound.properties.error.properties.code.enum).toEqual(["wait_not_found"]);
    expect(notFound.properties.error.required).toEqual(["code", "message", "requestId"]);
    expect(waitGet?.responses["404"]?.description).toContain("`wait_not_found`");
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item))
        expect(op.responses["500"]?.description, `${method} ${path}`).toContain("`internal`");
  });

  it("lists each path and query parameter with its schema", () => {
    const list = doc.paths["/v1/waits"]?.get?.parameters ?? [];
    expect(list.map((p) => p.name)).toEqual(["status", "source", "taskId", "cursor", "limit"]);
    expect(list.find((p) => p.name === "limit")).toMatchObject({
      in: "query",
      required: false,
      schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
    });
    expect(list.find((p) => p.name === "status")?.schema).toMatchObject({
      enum: ["open", "closed", "cancelled", "expired"],
    });
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(item))
        expect(op.parameters?.filter((p) => p.in === "path").map((p) => p.name) ?? []).toEqual(names);
    }
  });

  it("writes request bodies as their input (ttl as a caller sends it) and responses as their output", () => {
    const create = doc.components.schemas.CreateWait as { properties: Record<string, unknown> };
    expect(create.properties.ttl).toMatchObject({ anyOf: [{ type: "string" }, { type: "integer" }] });
    const approval = doc.components.schemas.CreateApproval as { required: string[] };
    expect(approval.required).toEqual(["title", "approvers"]); // policy has a default: optional to send
    const list = doc.components.schemas.WaitList as { properties: { items: { items: unknown } } };
    expect(list.properties.items.items).toEqual({ $ref: "#/components/schemas/Wait" });
  });

  it("gives every operation a unique id", () => {
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(operationId({ method: "post", path: "/v1/deliveries/:id/replay" })).toBe(
      "postV1DeliveriesByIdReplay",
    );
  });
});

describe("building the document", () => {
  const base: RouteDoc = {
    method: "get",
    path: "/x/:id",
    tag: "New",
    summary: "x",
    auth: "none",
    responses: { 200: { description: "ok" } },
    errors: [],
  };
  const server = { publicUrl: "https://t.test", version: "1" };

  it("turns Hono paths into OpenAPI paths", () => {
    expect(openApiPath("/v1/waits/:id")).toBe("/v1/waits/{id}");
    expect(openApiPath("/a/:token{[A-Za-z0-9._-]+}/x")).toBe("/a/{token}/x");
    expect(pathParams("/a/:token/b/:id")).toEqual(["token", "id"]);
  });

  it("refuses a route described twice, and one name for two schemas", async () => {
    expect(() => buildOpenApiDocument([base, base], server)).toThrow(/described twice/);
    const { WaitViewSchema, DeliveryViewSchema } = await import("../view-schemas.js");
    const a = { ...base, responses: { 200: { description: "a", json: named("Thing", WaitViewSchema) } } };
    const b = {
      ...base,
      path: "/y",
      responses: { 200: { description: "b", json: named("Thing", DeliveryViewSchema) } },
    };
    expect(() => buildOpenApiDocument([a, b], server)).toThrow(/two different schemas are named "Thing"/);
  });

  it("shows a tag it does not know after the known ones", () => {
    const doc = buildOpenApiDocument([base], server);
    expect(doc.tags.at(-1)).toEqual({ name: "New" });
  });

  it("refuses a status documented both as success and as an error", () => {
    const clash: RouteDoc = { ...base, responses: { 404: { description: "page" } }, errors: ["not_found"] };
    expect(() => buildOpenApiDocument([clash], server)).toThrow(/as success and error/);
  });
});
