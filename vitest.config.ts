import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["api/**/*.test.ts", "bot/**/*.test.ts", "tab/**/*.test.ts", "scripts/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    // Child-process and browser tests start real servers; a generous ceiling, not a benchmark.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default", "./scripts/summary.reporter.ts"],
  },
});
