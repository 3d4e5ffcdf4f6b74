import { type Context, Hono } from "hono";
import { DOCS_CSS, DOCS_CSS_PATH } from "../docs/docs-css.js";
import { renderReference } from "../docs/reference-page.js";
import type { AppEnv } from "../env.js";
import { buildOpenApiDocument } from "../openapi/document.js";
import type { OpenApiDocument } from "../openapi/document-types.js";
import { ROUTE_DOCS } from "../openapi/route-docs.js";
import { PAGE_CSS_HEADERS, PAGE_HEADERS } from "../pages/headers.js";

/**
 * The document and its page are built on first use and kept: they depend only on the route docs,
 * the public URL and the version, which a running process never changes.
 */
let built: { key: string; doc: OpenApiDocument; json: string; html: string } | undefined;

function reference(c: Context<AppEnv>) {
  const { publicUrl, version } = c.get("deps");
  const key = `${publicUrl}\n${version}`;
  if (built?.key !== key) {
    const doc = buildOpenApiDocument(ROUTE_DOCS, { publicUrl, version });
    built = { key, doc, json: JSON.stringify(doc), html: renderReference(doc) };
  }
  return built;
}

/** GET /openapi.json and GET /docs: the API reference, public, served from the package itself. */
export const referenceRoutes = new Hono<AppEnv>()
  .get("/openapi.json", (c) =>
    c.body(reference(c).json, 200, { "content-type": "application/json; charset=utf-8" }),
  )
  .get("/docs", (c) => c.body(reference(c).html, 200, PAGE_HEADERS))
  .get(DOCS_CSS_PATH, (c) => c.body(DOCS_CSS, 200, PAGE_CSS_HEADERS));
