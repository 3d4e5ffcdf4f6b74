import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interpolateEnv } from "../config/interpolate.js";
import { SourcesSchema } from "../config/sources-schema.js";
import { checkSources, readSampleFile, SampleFileProblem } from "./check-command.js";

const ROOT = join(import.meta.dirname, "..", "..");
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

function sourcesOf(doc: unknown) {
  const env = new Proxy({}, { get: () => secret }) as Record<string, string>;
  return SourcesSchema.parse(interpolateEnv(doc, env).value)!;
}

const presets = () =>
  JSON.parse(readFileSync(join(ROOT, "docs/presets.json"), "utf8")) as Record<string, unknown>;

async function check(doc: unknown, files: ReturnType<typeof readSampleFile>[] = []) {
  const lines: string[] = [];
  const failures = await checkSources({ sources: sourcesOf(doc) }, files, (l) => lines.push(l));
  return { failures, text: lines.join("\n") };
}

describe("taskgate check: each source's expressions over its samples", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "taskgate-check-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the documented presets evaluate on every bundled sample: status, key and output, or why ignored", async () => {
    const { failures, text } = await check(presets());
    expect(failures).toBe(0);
    expect(text).toMatch(/^sources\.github-workflow-run \(github\): 4 sample\(s\)$/m);
    expect(text).toMatch(
      /^ {2}ok {3}workflow_run +COMPLETED, key "30433642", output \{"conclusion":"success","runUrl":"https:\/\/github\.example\/octo-org\/report-pipeline\/actions\/runs\/30433642"/m,
    );
    expect(text).toMatch(/^ {2}ok {3}workflow_run\.failure +FAILED_WITH_TERMINAL_ERROR, key "30433643"/m);
    expect(text).toMatch(
      /^ {2}ok {3}ping +ignored: the status expression gave null \(not for this source\)$/m,
    );
    expect(text).toMatch(
      /^ {2}ok {3}block_actions\.approve +COMPLETED, key "req-12", output \{"decision":"approve","decidedBy":"ana"\}$/m,
    );
    expect(text).toMatch(
      /^ {2}ok {3}payment_intent\.payment_failed +FAILED, key "pi_3QbF2kLkdIwHu7ix0wQeR8Mb"/m,
    );
    expect(text).not.toMatch(/^ {2}FAIL /m);
  });

  it("names an unknown function even where no sample reaches it, and every runtime error per sample", async () => {
    const { failures, text } = await check({
      broken: {
        verify: { scheme: "hmac", secrets: ["s3cr3t-s3cr3t"], header: "x-sig" },
        correlationKey: "jobId",
        // $foo compiles; it fails only for job.failed. `+ 'x'` fails on every sample.
        status: "event = 'job.failed' ? $foo() : 'COMPLETED'",
        output: "{ 'rows': result.rows + 'x' }",
        dedupeKey: "$nowhere(id)",
      },
    });
    expect(text).toContain(
      "  FAIL sources.broken.status: calls $foo, which JSONata does not have (it compiles, then fails when that part runs)",
    );
    expect(text).toContain("  FAIL sources.broken.dedupeKey: calls $nowhere");
    expect(text).toMatch(
      /^ {2}FAIL job\.completed +output: JSONata T2002 at character \d+: The right side of the "\+" operator must evaluate to a number; dedupeKey: JSONata T1006/m,
    );
    expect(text).toMatch(
      /^ {2}FAIL job\.failed +status: JSONata T1006 at character \d+: Attempted to invoke a non-function; output: /m,
    );
    expect(failures).toBe(4);
  });

  it("a clean source has no failures; a status that is not CDF's is reported as ignored, not as a failure", async () => {
    const { failures, text } = await check({
      jobs: {
        verify: { scheme: "api-key", keys: ["k-0123456789abcdef"], header: "x-api-key" },
        correlationKey: "jobId",
        status: "event = 'job.completed' ? 'COMPLETED' : 'DONE'",
      },
    });
    expect(failures).toBe(0);
    expect(text).toMatch(/^ {2}ok {3}job\.completed +COMPLETED, key "J-1042", output \{\}$/m);
    expect(text).toMatch(/^ {2}ok {3}job\.failed +ignored: the status expression gave "DONE", not one of /m);
  });

  it("--sample FILE names its source beside the body and headers, and is run with the bundled ones", async () => {
    const file = join(dir, "push.json");
    writeFileSync(
      file,
      JSON.stringify({
        source: "github-workflow-run",
        name: "a push",
        headers: { "X-GitHub-Event": "push" },
        body: { ref: "refs/heads/main", workflow_run: { id: 1 } },
      }),
    );
    const form = join(dir, "form.json");
    writeFileSync(
      form,
      JSON.stringify({ source: "slack-buttons", body: "payload=%7B%22type%22%3A%22view_submission%22%7D" }),
    );
    const sample = readSampleFile(file);
    expect(sample).toMatchObject({ source: "github-workflow-run", name: "a push" });
    expect(sample.headers).toEqual({ "x-github-event": "push", "content-type": "application/json" });
    const { failures, text } = await check(presets(), [sample, readSampleFile(form)]);
    expect(failures).toBe(0);
    expect(text).toMatch(/^sources\.github-workflow-run \(github\): 5 sample\(s\)$/m);
    expect(text).toMatch(/^ {2}ok {3}a push +ignored: the status expression gave null/m);
    expect(text).toMatch(new RegExp(`^ {2}ok {3}${form.replace(/[.]/g, "\\.")} +ignored`, "m"));
  });

  it("a sample file that cannot be used is a usage problem naming the file and the shape", async () => {
    const cases: [unknown, RegExp][] = [
      [[1, 2], /not a JSON object; write it as \{"source": "NAME", "body"/],
      [{ body: {} }, /"source" is missing \(the name of the source it is for\)/],
      [{ source: "lims" }, /"body" is missing/],
      [{ source: "lims", body: {}, headers: { a: 1 } }, /"headers" must be an object of strings/],
    ];
    for (const [doc, message] of cases) {
      const file = join(dir, "bad.json");
      writeFileSync(file, JSON.stringify(doc));
      expect(() => readSampleFile(file)).toThrow(message);
    }
    writeFileSync(join(dir, "bad.json"), "{");
    expect(() => readSampleFile(join(dir, "bad.json"))).toThrow(SampleFileProblem);
    writeFileSync(join(dir, "other.json"), JSON.stringify({ source: "nope", body: {} }));
    await expect(check(presets(), [readSampleFile(join(dir, "other.json"))])).rejects.toThrow(
      /names source "nope", which the config does not have \(known: github-workflow-run, /,
    );
  });
});
