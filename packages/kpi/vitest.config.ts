import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Pure functions with no global state: reuse workers across files (saves ~5 s of startup).
    isolate: false,
    // Property tests run a few hundred cases; give slow CI machines room.
    testTimeout: 30_000,
  },
});
