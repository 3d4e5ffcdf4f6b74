import type * as z from "zod";
import type { ErrorCode } from "../../core/errors.js";
import type { Scope } from "../../core/scopes.js";

/**
 * What the API reference says about one route. Each route file has a `*-docs.ts` beside it with
 * one entry per route; route-docs.ts lists those files, and a test fails on any route of the app
 * that has no entry (or an entry without a route). The schemas are the ones the route validates
 * with and the views it answers with, so the document is generated, never copied.
 */
export interface RouteDoc {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** As Hono writes it: `/v1/waits/:id`. */
  path: string;
  /** The reference's section; tags.ts orders and describes the known ones. */
  tag: string;
  summary: string;
  /** CommonMark; the /docs page renders a small subset (paragraphs, lists, emphasis, code, links). */
  description?: string;
  auth: RouteAuth;
  /** The scope an `api` route needs (`admin` grants every scope). */
  scope?: Scope;
  /** A description for each `:name` in the path. */
  params?: Record<string, string>;
  /** The query schema the route validates with (a zod object); each key becomes a parameter. */
  query?: z.ZodObject;
  body?: BodyDoc;
  /** Answers by status other than the error envelope: success, and a page's own problem pages. */
  responses: Record<number, ResponseDoc>;
  /** Every error code the route can answer with; grouped by status (ERROR_STATUS) in the document. */
  errors: readonly ErrorCode[];
}

/**
 * How a caller proves it may call the route: `api` is `Authorization: Bearer` (API key or OIDC
 * JWT); the others are public routes whose credential is the signed token in the path
 * (`callback-token`, `approval-link`), the webhook's signature (`webhook`), or nothing (`none`).
 */
export type RouteAuth = "api" | "callback-token" | "approval-link" | "webhook" | "none";

/** A schema that becomes a component (`#/components/schemas/<name>`) of the document. */
export interface NamedSchema {
  readonly name: string;
  readonly schema: z.ZodType;
}

/** Names a request or response schema once, for every route that uses it. */
export function named(name: string, schema: z.ZodType): NamedSchema {
  return { name, schema };
}

export type BodyDoc =
  | { json: NamedSchema; required?: boolean; description?: string }
  /** A body the route reads raw (a signed webhook): its media types, described in prose. */
  | { raw: readonly string[]; description: string };

export type ResponseDoc =
  | { description: string; json: NamedSchema }
  /** A page or a text body: its media type. */
  | { description: string; media: string }
  | { description: string };

/** What `Authorization: Bearer` can refuse with. */
export const AUTH_ERRORS = [
  "unauthorized",
  "forbidden",
  "insufficient_scope",
] as const satisfies readonly ErrorCode[];

/** What a JSON body can be refused with before the route looks at it (json-body.ts, the body limit). */
export const JSON_BODY_ERRORS = [
  "unsupported_media_type",
  "malformed_body",
  "invalid_request",
  "payload_too_large",
] as const satisfies readonly ErrorCode[];

/** A query string that fails its schema. */
export const QUERY_ERRORS = ["invalid_request"] as const satisfies readonly ErrorCode[];
