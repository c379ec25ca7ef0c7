import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.ts";

// The e2e files install packages with npm and start services: one at a time, with room to.
export default mergeConfig(
  sharedConfig,
  defineConfig({ test: { testTimeout: 300_000, hookTimeout: 600_000, fileParallelism: false } }),
);
