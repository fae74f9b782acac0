import { defineConfig } from "vitest/config";

// "source" resolves workspace packages to their TypeScript sources, so tests never run stale builds.
const conditions = ["source", "import", "module", "node", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { NO_COLOR: "1" },
    pool: "forks",
  },
});
