import { defineConfig } from "vitest/config";

/**
 * `npm test`: two projects in one run (one JSON report for .ci/run). "node" is the suite on
 * Node; "workers" (vitest.workers.config.ts) runs inside workerd: the D1 store contract, the
 * worker's callback flows against the CDF emulator, and its fail-closed configuration.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts"],
          exclude: ["test/workers/**", "**/node_modules/**"],
          environment: "node",
          testTimeout: 20_000,
          hookTimeout: 30_000,
          pool: "forks",
        },
      },
      "./vitest.workers.config.ts",
    ],
  },
});
