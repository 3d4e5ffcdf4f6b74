import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatedCdf } from "../../../test/support/emulated-cdf.js";
import { TestClock } from "../../../test/support/test-clock.js";
import { testApp } from "../../../test/support/test-deps.js";
import type { KyselyStore } from "../../adapters/sql/kysely-store.js";
import { openSqliteStore } from "../../adapters/sql/sqlite.js";
import type { OpenApiDocument } from "../openapi/document-types.js";
import { PAGE_CSP } from "../pages/headers.js";
import { DOCS_CSS_PATH } from "./docs-css.js";

describe("GET /docs", () => {
  let store: KyselyStore;
  let t: ReturnType<typeof testApp>;
  let doc: OpenApiDocument;
  let res: Response;
  let html: string;
  beforeAll(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    const clock = new TestClock();
    t = testApp({ store, cdf: emulatedCdf(clock).cdf, clock });
    doc = (await (await t.app.request("/openapi.json")).json()) as OpenApiDocument;
    res = await t.app.request("/docs");
    html = await res.text();
  });
  afterAll(() => store.close());

  it("is a page under the strict CSP: no script at all, its stylesheet from our own origin", async () => {
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toBe(PAGE_CSP);
    expect(PAGE_CSP).not.toContain("script-src");
    expect(html).not.toMatch(/<script|\son[a-z]+=|style=/i);
    expect(html).toContain(`<link rel="stylesheet" href="${DOCS_CSS_PATH}"/>`);
    const css = await t.app.request(DOCS_CSS_PATH);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(await css.text()).toContain(".op{");
  });

  it("renders every operation of the document with its parameters, body fields and error codes", () => {
    let operations = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item)) {
        operations++;
        const section = html.slice(html.indexOf(`<article class="op" id="${op.operationId}"`));
        const own = section.slice(0, section.indexOf("</article>"));
        expect(own, op.operationId).toContain(`<code class="op-path">${path}</code>`);
        for (const p of op.parameters ?? [])
          expect(own, `${op.operationId} ${p.name}`).toContain(`>${p.name}</code>`);
        for (const [status, r] of Object.entries(op.responses)) {
          expect(own, `${op.operationId} ${status}`).toContain(`>${status}</span>`);
          const codes = (r.content?.["application/json"]?.schema as ErrorSchema | undefined)?.properties
            ?.error?.properties?.code?.enum;
          for (const code of codes ?? [])
            expect(own, `${op.operationId} ${code}`).toContain(`<code>${code}</code>`);
        }
        const body = op.requestBody?.content["application/json"]?.schema.$ref;
        if (typeof body === "string") {
          const fields = Object.keys(
            (doc.components.schemas[body.split("/").pop()!] as unknown as Shape).properties,
          );
          for (const f of fields) expect(own, `${op.operationId} body ${f}`).toContain(`>${f}</code>`);
        }
      }
    }
    expect(operations).toBe(Object.values(doc.paths).flatMap((i) => Object.keys(i)).length);
    expect(operations).toBeGreaterThan(15);
  });

  it("lists every operation in the contents, linked to it", () => {
    for (const item of Object.values(doc.paths))
      for (const op of Object.values(item)) expect(html).toContain(`href="#${op.operationId}"`);
  });

  it("says which routes need a bearer credential and how the public ones prove themselves", () => {
    const waits = html.slice(html.indexOf('id="postV1Waits"'));
    expect(waits.slice(0, waits.indexOf("</article>"))).toContain('class="badge badge-auth">Bearer');
    const hook = html.slice(html.indexOf('id="postHooksBySource"'));
    const own = hook.slice(0, hook.indexOf("</article>"));
    expect(own).toContain('class="badge badge-public">Public');
    expect(own).toContain("<code>stripe</code>");
  });

  it("escapes what it shows", () => {
    // The document's text passes through hono/jsx: a quote or bracket in a description stays text.
    expect(html).toContain("data[&#39;cogniteOrchestrationTaskId&#39;]");
  });
});

interface ErrorSchema {
  properties?: { error?: { properties?: { code?: { enum?: string[] } } } };
}
interface Shape {
  properties: Record<string, unknown>;
}
