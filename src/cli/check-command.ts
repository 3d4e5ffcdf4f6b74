import { readFileSync } from "node:fs";
import type { TaskgateConfig } from "../config/schema.js";
import { unknownFunctions } from "../core/mapping/expression-shape.js";
import type { MappingConfig } from "../core/mapping/source-mapping.js";
import { failureLines, previewMapping } from "./mapping-preview.js";
import { encodeSample, freshen, readSampleBody, samplesFor } from "./sample-events.js";

type Source = NonNullable<TaskgateConfig["sources"]>[string];

/** One request to try a source's expressions on. */
interface Trial {
  source: string;
  name: string;
  bytes: Uint8Array;
  headers: Record<string, string>;
  query: Record<string, string>;
}

/** A `--sample FILE` that cannot be used: exit 2. */
export class SampleFileProblem extends Error {}

/**
 * `--sample FILE`: a JSON document that names its source beside the webhook, so one file says
 * everything: `{"source": NAME, "body": <the JSON body, or a string sent as it is>, "headers"?:
 * {...}, "query"?: {...}, "name"?: LABEL}`.
 */
export function readSampleFile(file: string): Trial {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new SampleFileProblem(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const shape = `write it as {"source": "NAME", "body": {...}, "headers": {...}} (headers and query optional)`;
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new SampleFileProblem(`${file}: not a JSON object; ${shape}`);
  }
  const d = doc as Record<string, unknown>;
  if (typeof d.source !== "string" || d.source === "") {
    throw new SampleFileProblem(`${file}: "source" is missing (the name of the source it is for); ${shape}`);
  }
  if (!("body" in d)) throw new SampleFileProblem(`${file}: "body" is missing; ${shape}`);
  const strings = (key: string): Record<string, string> => {
    const v = d[key];
    if (v === undefined) return {};
    if (
      v === null ||
      typeof v !== "object" ||
      Array.isArray(v) ||
      Object.values(v).some((x) => typeof x !== "string")
    ) {
      throw new SampleFileProblem(`${file}: "${key}" must be an object of strings`);
    }
    return Object.fromEntries(
      Object.entries(v as Record<string, string>).map(([k, x]) => [k.toLowerCase(), x]),
    );
  };
  const headers = strings("headers");
  const raw = typeof d.body === "string";
  const bytes = new TextEncoder().encode(raw ? (d.body as string) : JSON.stringify(d.body));
  headers["content-type"] ??= raw ? "application/x-www-form-urlencoded" : "application/json";
  return {
    source: d.source,
    name: typeof d.name === "string" ? d.name : file,
    bytes,
    headers,
    query: strings("query"),
  };
}

/** Every bundled sample of the source's scheme, with the headers its provider sends. */
function bundledTrials(name: string, source: Source, now: number): Trial[] {
  return samplesFor(source.verify.scheme).map((sample) => {
    const { bytes, contentType } = encodeSample(
      sample.encoding,
      freshen(readSampleBody(sample), sample.fresh, now),
    );
    return {
      source: name,
      name: sample.name,
      bytes,
      headers: { "content-type": contentType, ...sample.headers },
      query: {},
    };
  });
}

const FIELDS: (keyof MappingConfig)[] = ["correlationKey", "status", "output", "dedupeKey"];

/**
 * Runs each source's expressions over its samples (the bundled ones for its scheme, and the
 * `--sample` files naming it) and prints, per sample, what taskgate would do. Returns the number
 * of failures: an expression that fails at run time, or calls a function that exists nowhere.
 */
export async function checkSources(
  config: Pick<TaskgateConfig, "sources">,
  sampleFiles: readonly Trial[],
  print: (line: string) => void,
): Promise<number> {
  let failures = 0;
  const sources = Object.entries(config.sources ?? {});
  for (const file of sampleFiles) {
    if (!config.sources?.[file.source]) {
      const known = sources.map(([n]) => n).join(", ") || "none";
      throw new SampleFileProblem(
        `${file.name}: names source "${file.source}", which the config does not have (known: ${known})`,
      );
    }
  }
  const now = Date.now();
  for (const [name, source] of sources) {
    const trials = [...bundledTrials(name, source, now), ...sampleFiles.filter((t) => t.source === name)];
    print(`sources.${name} (${source.verify.scheme}): ${trials.length} sample(s)`);
    for (const field of FIELDS) {
      const expression = source[field];
      if (expression === undefined) continue;
      const unknown = await unknownFunctions(expression);
      if (unknown.length > 0) {
        failures += 1;
        print(
          `  FAIL sources.${name}.${field}: calls ${unknown.join(", ")}, which JSONata does not have (it compiles, then fails when that part runs)`,
        );
      }
    }
    const width = Math.max(...trials.map((t) => t.name.length)) + 2;
    for (const trial of trials) {
      const preview = await previewMapping(source, trial);
      const label = trial.name.padEnd(width);
      if (preview.error || !preview.trial?.mapped) {
        failures += 1;
        const lines = preview.error ? [preview.error] : failureLines(preview.trial!);
        print(`  FAIL ${label}${lines.join("; ")}`);
        continue;
      }
      const m = preview.trial.mapped;
      if (m.status === null) {
        print(
          `  ok   ${label}ignored: ${m.ignoredBecause ?? "the status expression gave null (not for this source)"}`,
        );
      } else {
        print(
          `  ok   ${label}${m.status}, key ${JSON.stringify(m.correlationKey)}, output ${clip(JSON.stringify(m.output))}`,
        );
      }
    }
  }
  return failures;
}

function clip(text: string, max = 160): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
