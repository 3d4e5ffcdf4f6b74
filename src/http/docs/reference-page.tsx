/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * The API reference at /docs: the OpenAPI document rendered on the server, so the page is exactly
 * the document (no copy to drift) and needs no script, no CDN and no static-asset binding on
 * Workers. Under the pages' CSP (no script, styles from our origin) it is plain HTML and one
 * stylesheet; `<details>` does the folding.
 */

import type { FC } from "hono/jsx";
import type {
  HttpMethod,
  JsonSchema,
  OpenApiDocument,
  Operation,
  Parameter,
  ResponseObject,
} from "../openapi/document-types.js";
import { Markdown } from "../pages/markdown/render.js";
import { DOCS_CSS_PATH } from "./docs-css.js";
import { type SchemaMode, SchemaView } from "./schema-view.js";
import { constraintWords, typePhrase } from "./schema-words.js";

interface Op {
  method: HttpMethod;
  path: string;
  op: Operation;
}

/** The operations of each tag, in the document's tag order (paths in document order within). */
export function operationsByTag(doc: OpenApiDocument): { name: string; description?: string; ops: Op[] }[] {
  const all: Op[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item) as [HttpMethod, Operation][])
      all.push({ method, path, op });
  }
  return doc.tags
    .map((t) => ({ ...t, ops: all.filter((o) => o.op.tags[0] === t.name) }))
    .filter((t) => t.ops.length > 0);
}

/** The whole page; synchronous (no view is async), checked like the approval pages. */
export function renderReference(doc: OpenApiDocument): string {
  const rendered: unknown = (<ReferencePage doc={doc} />).toString();
  if (typeof rendered !== "string") throw new Error("the reference must render synchronously");
  return `<!doctype html>${rendered}`;
}

const ReferencePage: FC<{ doc: OpenApiDocument }> = ({ doc }) => {
  const groups = operationsByTag(doc);
  const server = doc.servers[0]?.url ?? "";
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>API reference – taskgate</title>
        <link rel="stylesheet" href={DOCS_CSS_PATH} />
        <link rel="icon" href="data:," />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to the reference
        </a>
        <header class="top">
          <span class="brand">taskgate</span>
          <span class="top-title">API reference</span>
          <span class="top-version">{doc.info.version}</span>
          <a class="top-json" href="/openapi.json">
            OpenAPI 3.1 JSON
          </a>
        </header>
        <div class="layout">
          <nav class="toc" aria-label="Contents">
            <Contents groups={groups} />
          </nav>
          <main id="main">
            <section class="intro" aria-labelledby="intro-title">
              <h1 id="intro-title">taskgate API reference</h1>
              <details class="toc-phone">
                <summary>Contents</summary>
                <Contents groups={groups} />
              </details>
              <dl class="facts">
                <dt>Server</dt>
                <dd>
                  <code>{server}</code>
                </dd>
                <dt>Version</dt>
                <dd>
                  <code>{doc.info.version}</code>
                </dd>
                <dt>Document</dt>
                <dd>
                  <a href="/openapi.json">/openapi.json</a> (OpenAPI {doc.openapi})
                </dd>
              </dl>
              <Markdown source={doc.info.description} />
            </section>
            <section id="authentication" class="intro" aria-labelledby="auth-title">
              <h2 id="auth-title">Authentication</h2>
              <p>
                The <code>/v1</code> management routes take <code>Authorization: Bearer</code> with either of:
              </p>
              <dl class="schemes">
                {Object.entries(doc.components.securitySchemes).map(([name, s]) => (
                  <>
                    <dt>{s.bearerFormat ?? name}</dt>
                    <dd>
                      <Markdown source={s.description} />
                    </dd>
                  </>
                ))}
              </dl>
              <p>
                The public routes (callbacks, webhooks, approval pages) carry their own credential, said at
                each of them.
              </p>
            </section>
            <section id="errors" class="intro" aria-labelledby="errors-title">
              <h2 id="errors-title">Errors</h2>
              <p>Every error answers in one envelope; each route lists the codes it can answer with.</p>
              <SchemaView
                schema={doc.components.schemas.Error ?? {}}
                components={doc.components.schemas}
                mode="response"
              />
            </section>
            {groups.map((g) => (
              <section class="tag" id={tagId(g.name)} aria-labelledby={`${tagId(g.name)}-title`}>
                <h2 id={`${tagId(g.name)}-title`}>{g.name}</h2>
                {g.description ? <p class="tag-desc">{g.description}</p> : null}
                {g.ops.map((o) => (
                  <OperationView {...o} doc={doc} />
                ))}
              </section>
            ))}
          </main>
        </div>
      </body>
    </html>
  );
};

const Contents: FC<{ groups: ReturnType<typeof operationsByTag> }> = ({ groups }) => (
  <ol class="toc-groups">
    <li>
      <a href="#authentication">Authentication</a>
    </li>
    <li>
      <a href="#errors">Errors</a>
    </li>
    {groups.map((g) => (
      <li>
        <a class="toc-tag" href={`#${tagId(g.name)}`}>
          {g.name}
        </a>
        <ol class="toc-ops">
          {g.ops.map((o) => (
            <li>
              <a href={`#${o.op.operationId}`}>
                <Method method={o.method} /> <span class="toc-path">{o.path}</span>
              </a>
            </li>
          ))}
        </ol>
      </li>
    ))}
  </ol>
);

const Method: FC<{ method: HttpMethod }> = ({ method }) => (
  <span class={`method method-${method}`}>{method.toUpperCase()}</span>
);

const OperationView: FC<Op & { doc: OpenApiDocument }> = ({ method, path, op, doc }) => {
  const components = doc.components.schemas;
  const params = op.parameters ?? [];
  const statuses = Object.keys(op.responses).sort();
  return (
    <article class="op" id={op.operationId} aria-labelledby={`${op.operationId}-title`}>
      <h3 class="op-title" id={`${op.operationId}-title`}>
        <Method method={method} /> <code class="op-path">{path}</code>
      </h3>
      <p class="op-summary">{op.summary}</p>
      <p class="op-auth">
        {op.security.length > 0 ? (
          <>
            <span class="badge badge-auth">Bearer</span> API key or OIDC JWT (
            <a href="#authentication">authentication</a>)
          </>
        ) : (
          <span class="badge badge-public">Public</span>
        )}
      </p>
      {op.description ? (
        <div class="op-desc">
          <Markdown source={op.description} />
        </div>
      ) : null}
      {params.length > 0 ? <Parameters params={params} components={components} /> : null}
      {op.requestBody ? (
        <div class="block">
          <h4>
            Request body <span class="media">{Object.keys(op.requestBody.content).join(", ")}</span>
            {op.requestBody.required ? null : <span class="opt-note">optional</span>}
          </h4>
          {op.requestBody.description ? <Markdown source={op.requestBody.description} /> : null}
          {Object.values(op.requestBody.content).map((c) =>
            Object.keys(c.schema).length > 0 ? (
              <SchemaBlock schema={c.schema} components={components} mode="request" />
            ) : null,
          )}
        </div>
      ) : null}
      <div class="block">
        <h4>Responses</h4>
        <ul class="responses">
          {statuses.map((status) => (
            <ResponseView status={status} res={op.responses[status]!} components={components} />
          ))}
        </ul>
      </div>
    </article>
  );
};

const Parameters: FC<{ params: Parameter[]; components: Record<string, JsonSchema> }> = ({
  params,
  components,
}) => (
  <div class="block">
    <h4>Parameters</h4>
    <ul class="fields">
      {params.map((p) => (
        <li class="field">
          <div class="field-head">
            <code class="field-name">{p.name}</code>
            <span class="where">in {p.in}</span>
            <span class="type">{typePhrase(p.schema, components)}</span>
            {p.required ? <span class="req">required</span> : null}
            {constraintWords(p.schema).map((w) => (
              <span class="limit">{w}</span>
            ))}
          </div>
          {p.description ? (
            <div class="field-desc">
              <Markdown source={p.description} />
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  </div>
);

/** A named schema folds under its name; the page stays scannable with every shape on it. */
const SchemaBlock: FC<{
  schema: JsonSchema;
  components: Record<string, JsonSchema>;
  mode: SchemaMode;
  open?: boolean;
}> = ({ schema, components, mode, open = true }) => {
  const name = typeof schema.$ref === "string" ? schema.$ref.split("/").pop() : null;
  return (
    <details class="schema" open={open}>
      <summary>{name ? <code>{name}</code> : "schema"}</summary>
      <SchemaView schema={schema} components={components} mode={mode} />
    </details>
  );
};

const ResponseView: FC<{ status: string; res: ResponseObject; components: Record<string, JsonSchema> }> = ({
  status,
  res,
  components,
}) => {
  const error = Number(status) >= 400;
  const content = Object.entries(res.content ?? {});
  const json = content.find(([media]) => media === "application/json");
  return (
    <li class="response">
      <div class="response-head">
        <span class={`status status-${status[0]}xx`}>{status}</span>
        {content.length > 0 ? <span class="media">{content.map(([m]) => m).join(", ")}</span> : null}
        {error && json ? (
          <a class="envelope" href="#errors">
            error envelope
          </a>
        ) : null}
      </div>
      <div class="response-desc">
        <Markdown source={res.description} />
      </div>
      {!error && json && typeof json[1].schema.$ref === "string" ? (
        <SchemaBlock schema={json[1].schema} components={components} mode="response" open={false} />
      ) : null}
    </li>
  );
};

function tagId(name: string): string {
  return `tag-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}
