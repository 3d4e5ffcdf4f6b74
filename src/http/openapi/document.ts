import * as z from "zod";
import { ERROR_STATUS, type ErrorCode } from "../../core/errors.js";
import type { OpenApiDocument, Operation, Parameter, ResponseObject } from "./document-types.js";
import { ERROR_MEANINGS } from "./error-meanings.js";
import { componentRef, componentSchemas, jsonSchemaOf } from "./json-schema.js";
import type { NamedSchema, RouteDoc } from "./route-doc.js";
import { authProse, SECURITY_SCHEMES, scopeProse, securityOf } from "./security.js";
import { TAGS } from "./tags.js";

export const OPENAPI_VERSION = "3.1.1";

const INTRO = [
  "taskgate completes Cognite Data Fusion workflow tasks when a callback, a signed webhook or a human approval says so.",
  "",
  "- Times are epoch milliseconds, like CDF's.",
  "- Every response carries `x-request-id`; send your own (up to 128 of `A-Za-z0-9._:-`) to follow a request through the logs.",
  '- Every error is `{"error": {"code", "message", "requestId", "details?"}}` with a stable `code`; each operation lists the codes it can answer with.',
  "- Lists are newest first and cursor-paginated: pass `nextCursor` as `cursor` until it is null.",
].join("\n");

/** The envelope every error is answered in (on-error.ts), for one status's codes. */
function errorEnvelope(codes: readonly string[]) {
  return z
    .object({
      error: z
        .object({
          code: codes.length === 0 ? z.string() : z.enum(codes as [string, ...string[]]),
          message: z.string().describe("for people; may change"),
          requestId: z.string().describe("the response's x-request-id"),
          details: z
            .record(z.string(), z.unknown())
            .optional()
            .describe("structured detail, when there is some"),
        })
        .strict(),
    })
    .strict();
}

/** `/v1/waits/:id` → `/v1/waits/{id}` (a Hono pattern's regex part, `:id{[0-9]+}`, is dropped). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
}

/** The names of a Hono path's parameters, in order. */
export function pathParams(honoPath: string): string[] {
  return [...honoPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
}

/** `POST /v1/deliveries/:id/replay` → `postV1DeliveriesByIdReplay`: stable, unique per route. */
export function operationId(doc: Pick<RouteDoc, "method" | "path">): string {
  const words = doc.path
    .split("/")
    .filter((s) => s !== "")
    .map((s) => (s.startsWith(":") ? `by-${s.slice(1).replace(/\{.*$/, "")}` : s))
    .flatMap((s) => s.split(/[^A-Za-z0-9]+/))
    .filter((w) => w !== "")
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return doc.method + words.join("");
}

/**
 * The OpenAPI 3.1 document of the routes described in `docs`, for the server at `publicUrl`.
 * Pure: the same docs give the same document, so it is built once per process and served as is.
 */
export function buildOpenApiDocument(
  docs: readonly RouteDoc[],
  server: { publicUrl: string; version: string },
): OpenApiDocument {
  const requests: NamedSchema[] = [];
  const responses: NamedSchema[] = [];
  const paths: OpenApiDocument["paths"] = {};
  for (const doc of docs) {
    if (doc.body && "json" in doc.body) requests.push(doc.body.json);
    for (const r of Object.values(doc.responses)) if ("json" in r) responses.push(r.json);
    const path = openApiPath(doc.path);
    const item = paths[path] ?? {};
    paths[path] = item;
    if (item[doc.method])
      throw new Error(`openapi: ${doc.method.toUpperCase()} ${doc.path} is described twice`);
    item[doc.method] = operation(doc);
  }
  const known = new Set(TAGS.map((t) => t.name));
  const extra = [...new Set(docs.map((d) => d.tag))].filter((t) => !known.has(t)).map((name) => ({ name }));
  return {
    openapi: OPENAPI_VERSION,
    info: { title: "taskgate", version: server.version, description: INTRO },
    servers: [{ url: server.publicUrl, description: "this taskgate (its publicUrl)" }],
    tags: [...TAGS, ...extra],
    paths,
    components: {
      schemas: {
        Error: jsonSchemaOf(errorEnvelope([]), "output"),
        ...componentSchemas(requests, responses),
      },
      securitySchemes: SECURITY_SCHEMES,
      headers: {
        RequestId: {
          description: "The request's id: the caller's own when it is plain and short, else a new one.",
          schema: { type: "string" },
        },
      },
    },
  };
}

function operation(doc: RouteDoc): Operation {
  const description = [doc.description, authProse(doc.auth), scopeProse(doc.scope)]
    .filter((s) => s != null)
    .join("\n\n");
  const parameters = [...pathParameters(doc), ...queryParameters(doc)];
  const op: Operation = {
    operationId: operationId(doc),
    tags: [doc.tag],
    summary: doc.summary,
    ...(description === "" ? {} : { description }),
    security: securityOf(doc.auth, doc.scope),
    ...(parameters.length > 0 ? { parameters } : {}),
    responses: {},
  };
  const body = doc.body;
  if (body && "json" in body) {
    op.requestBody = {
      required: body.required ?? true,
      ...(body.description ? { description: body.description } : {}),
      content: { "application/json": { schema: componentRef(body.json.name) } },
    };
  } else if (body) {
    op.requestBody = {
      required: true,
      description: body.description,
      content: Object.fromEntries(body.raw.map((media) => [media, { schema: {} }])),
    };
  }
  for (const [status, r] of Object.entries(doc.responses)) {
    const res: ResponseObject = { description: r.description, headers: requestIdHeader() };
    if ("json" in r) res.content = { "application/json": { schema: componentRef(r.json.name) } };
    else if ("media" in r)
      res.content = { [r.media]: { schema: r.media.startsWith("text/") ? { type: "string" } : {} } };
    op.responses[status] = res;
  }
  // Every route that reads or writes the store may find it down (503 with Retry-After).
  const implied: ErrorCode[] = doc.auth === "none" ? [] : ["store_unavailable"];
  for (const [status, codes] of errorsByStatus([...doc.errors, ...implied])) {
    if (op.responses[status])
      throw new Error(`openapi: ${doc.path} documents ${status} as success and error`);
    op.responses[status] = {
      description: codes
        .map((code) => `- \`${code}\`: ${ERROR_MEANINGS[code] ?? code.replaceAll("_", " ")}`)
        .join("\n"),
      headers: requestIdHeader(),
      content: { "application/json": { schema: jsonSchemaOf(errorEnvelope(codes), "output") } },
    };
  }
  return op;
}

function requestIdHeader(): Record<string, { $ref: string }> {
  return { "x-request-id": { $ref: "#/components/headers/RequestId" } };
}

/** The route's codes and `internal` (any route can fail unexpectedly), by status, in status order. */
function errorsByStatus(codes: readonly ErrorCode[]): [string, ErrorCode[]][] {
  const groups = new Map<number, ErrorCode[]>();
  for (const code of new Set<ErrorCode>([...codes, "internal"])) {
    const status = ERROR_STATUS[code];
    groups.set(status, [...(groups.get(status) ?? []), code]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([s, c]) => [String(s), c]);
}

function pathParameters(doc: RouteDoc): Parameter[] {
  return pathParams(doc.path).map((name) => ({
    name,
    in: "path",
    required: true,
    ...(doc.params?.[name] ? { description: doc.params[name] } : {}),
    schema: { type: "string" },
  }));
}

function queryParameters(doc: RouteDoc): Parameter[] {
  if (!doc.query) return [];
  const schema = jsonSchemaOf(doc.query, "input");
  const properties = (schema.properties ?? {}) as Record<string, { description?: string }>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, { description, ...rest }]) => ({
    name,
    in: "query",
    required: required.has(name),
    ...(description ? { description } : {}),
    schema: rest,
  }));
}
