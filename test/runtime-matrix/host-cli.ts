import { runSmoke } from "./smoke.js";

/**
 * The program Node, Deno and Bun run: it imports the smoke bundle, prints the report as one JSON
 * line, and on failure rejects unhandled, which all three turn into a non-zero exit without a
 * runtime-specific exit API. It exports nothing: Bun serves a main module whose default export has
 * a `fetch` (and never exits), and Deno warns about one.
 */
void runSmoke().then((report) => {
  console.log(JSON.stringify(report));
  if (!report.ok) throw new Error(`smoke run failed at step "${report.failedStep}": ${report.error}`);
});
