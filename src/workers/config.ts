import type { D1Like } from "../adapters/sql/d1.js";
import { envRef } from "../config/interpolate.js";
import { type ConfigProblem, parseConfigText } from "../config/parse.js";
import type { TaskgateConfig } from "../config/schema.js";

/**
 * The bindings a worker receives (its `env`): vars and secrets are strings, D1 and services are
 * objects. Typed as any object so a generated `Env` interface passes without an index signature.
 */
export type WorkerBindings = object;

const read = (env: WorkerBindings, name: string): unknown => (env as Record<string, unknown>)[name];

export type WorkerConfigResult =
  | { ok: true; config: TaskgateConfig; d1: D1Like }
  | { ok: false; problems: ConfigProblem[] };

const D1_EXAMPLE = '"storage": {"kind": "d1", "binding": "DB"}';

/**
 * The configuration of a worker: JSON text from the `TASKGATE_CONFIG` variable, `${env:NAME}`
 * resolved from the string bindings (vars and secrets), and a D1 binding for storage. Every
 * problem is reported at once, by path and fix and never by value, because the caller answers
 * them to every request instead of serving half a gateway.
 */
export function workerConfig(env: WorkerBindings): WorkerConfigResult {
  const text = read(env, "TASKGATE_CONFIG");
  if (typeof text !== "string" || text.trim() === "") {
    return {
      ok: false,
      problems: [
        {
          path: "TASKGATE_CONFIG",
          message: text === undefined ? "not set" : "not a JSON text",
          fix:
            "set the TASKGATE_CONFIG variable to the configuration JSON ([vars] in wrangler.toml, or " +
            `wrangler secret put TASKGATE_CONFIG); keep secrets in their own secrets and write ${envRef("NAME")}`,
        },
      ],
    };
  }
  const parsed = parseConfigText(text, stringBindings(env), "TASKGATE_CONFIG");
  if (!parsed.ok) return parsed;

  const { storage } = parsed.config;
  if (storage.kind !== "d1") {
    return {
      ok: false,
      problems: [
        {
          path: "storage.kind",
          message: `"${storage.kind}" does not run on Cloudflare Workers${storage.kind === "sqlite" ? ' ("sqlite" is also the default when "storage" is absent)' : ""}`,
          fix: `write ${D1_EXAMPLE}`,
        },
      ],
    };
  }
  if (parsed.config.approvals.mail?.kind === "smtp") {
    return {
      ok: false,
      problems: [
        {
          path: "approvals.mail.kind",
          message: '"smtp" does not run on Cloudflare Workers (no outbound SMTP sockets here)',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${env:...} reference for the user
          fix: 'send through the HTTP mail API: "mail": {"kind": "resend", "apiKey": "${env:RESEND_API_KEY}", "from": "..."}',
        },
      ],
    };
  }
  const d1 = read(env, storage.binding);
  if (!isD1(d1)) {
    return {
      ok: false,
      problems: [
        {
          path: "storage.binding",
          message: `this worker has no D1 binding named "${storage.binding}"`,
          fix:
            `add [[d1_databases]] with binding = "${storage.binding}" to wrangler.toml ` +
            '(create the database with "wrangler d1 create taskgate"), or name an existing binding',
        },
      ],
    };
  }
  return { ok: true, config: parsed.config, d1 };
}

/** Vars and secrets: the only bindings `${env:NAME}` may name (objects are D1, services, ...). */
export function stringBindings(env: WorkerBindings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === "string") out[name] = value;
  return out;
}

function isD1(value: unknown): value is D1Like {
  if (value === null || typeof value !== "object") return false;
  const candidate = value as Partial<Record<keyof D1Like, unknown>>;
  return typeof candidate.prepare === "function" && typeof candidate.batch === "function";
}
