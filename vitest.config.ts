import { defineConfig } from "vitest/config";

// One test run for the whole workspace. Workspace packages resolve to their
// TypeScript sources through the "@elm/source" export condition.
export default defineConfig({
  resolve: { conditions: ["@elm/source"] },
  ssr: { resolve: { conditions: ["@elm/source"], externalConditions: ["@elm/source"] } },
  test: {
    include: ["native/test/**/*.test.ts", "packages/*/test/**/*.test.ts", "docs/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
