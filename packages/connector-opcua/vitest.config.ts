import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.ts";

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      // node-opcua is CPU heavy and the CI machine has 2 cores: one file at a time
      fileParallelism: false,
      testTimeout: 60_000,
      hookTimeout: 60_000,
      setupFiles: ["./test/setup.ts"],
    },
  }),
);
