import { createHash } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { envRef } from "./src/config/interpolate.js";
import { DEFAULT_CLIENT, DEFAULT_PROJECT } from "./src/emulator/emulator.js";
import { RESEND_TEST_API_KEY } from "./test/workers/resend-global-setup.js";

/** The API key the workerd tests register waits with (only its hash is in the config). */
export const WORKERS_TEST_API_KEY = "workers-test-api-key-0123456789";

/**
 * The workerd suite (`vitest run -c vitest.workers.config.ts`, and the "workers" project of
 * `npm test`): tests run inside workerd with the real wrangler.toml, src/worker.ts as `main`
 * (so `exports.default` is the gateway), local D1 databases with the wrangler migrations applied,
 * and the CDF emulator and a Resend API fake (approval mail) on Node servers started by the global
 * setups.
 */
export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    plugins: [
      cloudflareTest(({ inject }) => {
        const cdf = inject("emulatorUrl");
        const resend = inject("resendUrl");
        const config = {
          publicUrl: "https://taskgate.workers.test",
          cdf: {
            baseUrl: cdf,
            project: DEFAULT_PROJECT,
            auth: {
              type: "client_credentials",
              tokenUrl: `${cdf}/oauth2/token`,
              clientId: DEFAULT_CLIENT.clientId,
              clientSecret: envRef("CDF_CLIENT_SECRET"),
              scopes: [`${cdf}/.default`],
            },
          },
          storage: { kind: "d1", binding: "DB" },
          signingKeys: [{ kid: "workers-test", secret: envRef("TASKGATE_SIGNING_SECRET") }],
          api: {
            keys: [
              {
                name: "tests",
                sha256: createHash("sha256").update(WORKERS_TEST_API_KEY).digest("hex"),
                scopes: ["admin"],
              },
            ],
          },
          sources: {
            lims: {
              verify: { scheme: "standard-webhooks", secrets: [envRef("LIMS_WEBHOOK_SECRET")] },
              correlationKey: "data.sampleId",
              status: "type = 'sample.approved' ? 'COMPLETED' : null",
              output: "{ 'sampleId': data.sampleId }",
            },
          },
          // Approval mail through Resend's HTTP API, here the fake (test/workers/resend-global-setup.ts).
          approvals: {
            mail: {
              kind: "resend",
              apiKey: envRef("RESEND_API_KEY"),
              from: "Taskgate <approvals@taskgate.workers.test>",
              baseUrl: resend,
            },
          },
          // One try per attempt, so an injected 503 fails the attempt instead of a quick retry.
          forwarder: { callRetries: 0, lease: "30s" },
          // Expected failures (injected 503s) log warnings; keep the run quiet unless something breaks.
          log: { level: "error" },
        };
        return {
          main: "src/worker.ts",
          wrangler: { configPath: "./wrangler.toml" },
          miniflare: {
            d1Databases: { DB: "taskgate-workers-test", CONTRACT_DB: "taskgate-store-contract" },
            bindings: {
              TASKGATE_CONFIG: JSON.stringify(config),
              TASKGATE_SIGNING_SECRET: "workers-test-signing-secret-0123456789abcdef",
              CDF_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
              TEST_API_KEY: WORKERS_TEST_API_KEY,
              LIMS_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
              RESEND_API_KEY: RESEND_TEST_API_KEY,
              TEST_MIGRATIONS: migrations,
            },
          },
        };
      }),
    ],
    test: {
      name: "workers",
      include: ["test/workers/**/*.test.ts"],
      setupFiles: ["test/workers/setup.ts"],
      globalSetup: ["test/support/emulator-global-setup.ts", "test/workers/resend-global-setup.ts"],
      testTimeout: 20_000,
      hookTimeout: 30_000,
    },
  };
});
