import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseConfig } from "../config/parse.js";
import type { TaskgateConfig } from "../config/schema.js";
import { DEFAULT_CLIENT, DEFAULT_PROJECT } from "../emulator/emulator.js";

/** The API key local mode accepts. Local mode binds to 127.0.0.1 only. */
export const LOCAL_API_KEY = "local-dev-key";

/**
 * The configuration `taskgate serve` uses when there is no config file: SQLite under ./data, the
 * CDF emulator in the same server, and a signing secret made once and kept in ./data so callback
 * URLs survive a restart. Port 0 (tests) means "any free port"; the caller then derives publicUrl.
 */
export function localConfig(dataDir: string, port: number): TaskgateConfig {
  mkdirSync(dataDir, { recursive: true });
  // CDF is the emulator inside this process, reached without a socket: the origin is nominal.
  const base = "http://taskgate.localhost";
  const result = parseConfig(
    {
      server: { host: "127.0.0.1", port: port === 0 ? 8080 : port },
      publicUrl: `http://127.0.0.1:${port === 0 ? 8080 : port}`,
      cdf: {
        baseUrl: `${base}/emulator`,
        project: DEFAULT_PROJECT,
        auth: {
          type: "client_credentials",
          tokenUrl: `${base}/emulator/oauth2/token`,
          clientId: DEFAULT_CLIENT.clientId,
          clientSecret: DEFAULT_CLIENT.clientSecret,
          scopes: [`${base}/emulator/.default`],
        },
      },
      storage: { kind: "sqlite", path: join(dataDir, "taskgate.db"), synchronous: "normal" },
      signingKeys: [{ kid: "local", secret: localSecret(dataDir) }],
      // The local operator signs in to the console with this key, so it is an administrator.
      api: { keys: [{ name: "local", sha256: sha256(LOCAL_API_KEY), scopes: ["admin"] }] },
      // A demo source: Standard Webhooks, signed by `taskgate send demo --body FILE`.
      sources: {
        demo: {
          verify: { scheme: "standard-webhooks", secrets: [demoSecret(dataDir)] },
          correlationKey: "correlationKey",
          status: "$exists(status) ? status : 'COMPLETED'",
          output: "output",
        },
      },
      forwarder: { pollInterval: "500ms" },
    },
    {},
  );
  if (!result.ok)
    throw new Error(`internal: local-mode config is invalid: ${JSON.stringify(result.problems)}`);
  return result.config;
}

/**
 * The `data` directory of a local-mode gateway at `from` or the nearest directory above it that
 * has one (its demo source's secret in it), so `taskgate send` works from anywhere in the
 * checkout. Never creates one: a secret made here would not be the gateway's.
 */
export function findLocalDataDir(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const data = join(dir, "data");
    if (existsSync(join(data, DEMO_SECRET_FILE))) return data;
    if (dirname(dir) === dir) return undefined;
  }
}

const DEMO_SECRET_FILE = "local-demo-source-secret";

function localSecret(dataDir: string): string {
  const file = join(dataDir, "local-signing-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function demoSecret(dataDir: string): string {
  const file = join(dataDir, DEMO_SECRET_FILE);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The start-up banner: where things are, and a walkthrough to paste into a shell. */
export function localBanner(url: string, dataDir: string, consoleLink?: string): string {
  const j = (expr: string) => `node -pe 'JSON.parse(require("fs").readFileSync(0,"utf8")).${expr}'`;
  return [
    "",
    "taskgate is running in LOCAL MODE (no config file found): nothing here talks to a real CDF.",
    "",
    `  gateway        ${url}`,
    `  CDF emulator   ${url}/emulator   (project "${DEFAULT_PROJECT}")`,
    `  API key        ${LOCAL_API_KEY}`,
    `  console        ${url}/console`,
    `  mail catcher   ${url}/console/mail   (every mail taskgate sends, e.g. approval requests; local mode sends none out)`,
    ...(consoleLink
      ? [
          `  sign in once   ${consoleLink}`,
          "                 (single use, 15 minutes; later, paste the API key)",
        ]
      : []),
    `  database       ${join(dataDir, "taskgate.db")}`,
    "",
    "Walkthrough (paste into a shell):",
    "",
    "  # 1. Start a workflow execution in the emulator; its async task waits IN_PROGRESS",
    `  EXEC=$(curl -s -X POST ${url}/emulator/_emulator/executions -H 'content-type: application/json' -d '{}')`,
    `  EXEC_ID=$(echo "$EXEC" | ${j("id")})`,
    `  TASK_ID=$(echo "$EXEC" | ${j("executedTasks[0].id")})`,
    "",
    "  # 2. Register a wait for the task, as its Cognite Function would; keep the callback URL",
    `  CALLBACK=$(curl -s -X POST ${url}/v1/waits -H 'authorization: Bearer ${LOCAL_API_KEY}' \\`,
    `    -H 'content-type: application/json' -d "{\\"taskId\\": \\"$TASK_ID\\"}" | ${j("callbackUrl")})`,
    "",
    "  # 3. Call the callback URL, as the third party would",
    `  curl -s -X POST "$CALLBACK" -H 'content-type: application/json' -d '{"output": {"approvedBy": "me"}}'`,
    "",
    "  # 4. The task is COMPLETED in the emulator, with the output",
    `  curl -s ${url}/emulator/_emulator/executions/$EXEC_ID | ${j("executedTasks[0]")}`,
    "",
    '  # 5. Or let a signed webhook complete a task: register a wait for source "demo" and a key,',
    "  #    then send the demo source a sample event signed with its secret, as a provider would",
    `  TASK_ID=$(curl -s -X POST ${url}/emulator/_emulator/executions -H 'content-type: application/json' -d '{}' | ${j("executedTasks[0].id")})`,
    `  curl -s -X POST ${url}/v1/waits -H 'authorization: Bearer ${LOCAL_API_KEY}' -H 'content-type: application/json' \\`,
    `    -d "{\\"taskId\\": \\"$TASK_ID\\", \\"source\\": \\"demo\\", \\"correlationKey\\": \\"order-1\\"}"`,
    `  npx taskgate send demo --event demo.completed --key order-1 --url ${url}/hooks/demo`,
    "  #    (sent again, it answers parked and says why: no open wait for order-1 any more)",
    "",
    "  # 6. Or ask a person: create an approval (local mode sends no mail: the console's mail",
    "  #    catcher shows it, and the links come back), open a link and press Approve",
    `  TASK_ID=$(curl -s -X POST ${url}/emulator/_emulator/executions -H 'content-type: application/json' -d '{}' | ${j("executedTasks[0].id")})`,
    `  curl -s -X POST ${url}/v1/approvals -H 'authorization: Bearer ${LOCAL_API_KEY}' -H 'content-type: application/json' \\`,
    `    -d "{\\"taskId\\": \\"$TASK_ID\\", \\"title\\": \\"Publish the report\\", \\"approvers\\": [{\\"email\\": \\"you@example.com\\"}]}" | ${j("links[0].url")}`,
    "",
    "To use a real CDF project, write a config file (see taskgate.config.example.json) and run",
    "  npx taskgate serve --config taskgate.config.json",
    "",
  ].join("\n");
}
