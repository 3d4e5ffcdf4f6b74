import type { TaskgateConfig } from "../config/schema.js";
import { type MappingTrial, tryMapping } from "../core/mapping/mapping-trial.js";
import { compileMapping } from "../core/mapping/source-mapping.js";
import { parseBody } from "../services/hooks.js";

type Source = NonNullable<TaskgateConfig["sources"]>[string];

/** A source's expressions run here over one request, exactly as the gateway runs them. */
export interface Preview {
  trial?: MappingTrial;
  /** The correlation key the source reads, when it reads one. */
  key?: string;
  /** The body could not be read as the gateway reads it. */
  error?: string;
}

/** Parses the bytes as `POST /hooks/:source` does and runs the source's expressions over them. */
export async function previewMapping(
  source: Source,
  request: { bytes: Uint8Array; headers: Record<string, string>; query: Record<string, string> },
): Promise<Preview> {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  let body: unknown;
  try {
    body = parseBody(new TextDecoder().decode(request.bytes), headers["content-type"] ?? "");
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  const { mapping, problems } = compileMapping(source);
  if (!mapping) return { error: problems.map((p) => `${p.field}: ${p.message}`).join("; ") };
  const trial = await tryMapping(mapping, body, { headers, query: request.query });
  const key = trial.mapped?.correlationKey ?? keyOf(trial.fields.correlationKey);
  return { trial, ...(key ? { key } : {}) };
}

function keyOf(result: MappingTrial["fields"]["correlationKey"]): string | undefined {
  if (!result?.ok) return undefined;
  return typeof result.value === "string" || typeof result.value === "number"
    ? String(result.value)
    : undefined;
}

/** What the expressions failed on, one line each. */
export function failureLines(trial: MappingTrial): string[] {
  return trial.failed.map((field) => {
    const r = trial.fields[field];
    return `${field}: ${r && !r.ok ? r.message : "failed"}`;
  });
}

/** The preview in words: what taskgate sends to CDF for this webhook, or why nothing. */
export function describePreview(preview: Preview, outcome?: string): string {
  if (preview.error) return `mapping (run here): cannot read the body as taskgate does: ${preview.error}`;
  const trial = preview.trial!;
  if (!trial.mapped) {
    return [
      "mapping (run here): the source's expressions fail on this payload, so taskgate refuses it:",
      ...failureLines(trial).map((l) => `  ${l}`),
    ].join("\n");
  }
  const m = trial.mapped;
  if (m.status === null) {
    return `mapping (run here): ignored: ${m.ignoredBecause ?? "the status expression gave null (not for this source)"}`;
  }
  const when =
    outcome === "queued"
      ? "taskgate sends to CDF"
      : outcome === "parked"
        ? "taskgate will send to CDF when a wait for this key takes it"
        : "taskgate maps this webhook to";
  return [
    `${when} (mapping run here):`,
    `  status  ${m.status}`,
    `  output  ${JSON.stringify(m.output)}`,
    `  (merged over the wait's output template, with "taskgate": {deliveryId, source, receivedAt})`,
  ].join("\n");
}
