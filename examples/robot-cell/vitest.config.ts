import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.ts";

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: { include: ["test/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000 },
  }),
);
