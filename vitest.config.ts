import { defineConfig } from "vitest/config";

// "source" resolves workspace packages to their TypeScript sources, so tests never run stale builds. Only for
// resolution of our own code: third-party packages keep Node's own conditions (require() must get CommonJS).
const conditions = ["source", "import", "module", "node", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { NO_COLOR: "1" },
    pool: "forks",
  },
});
