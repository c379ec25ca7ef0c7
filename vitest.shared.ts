/**
 * Shared vitest settings; every package's vitest.config.ts merges these.
 *
 * vitest 5 targets Node 22 and its reporter calls Map.groupBy / Object.groupBy (Node 21+) when
 * it prints failures. Weft supports Node 20, so the two are polyfilled here, in the main vitest
 * process, before any reporter runs. Without this a failing test crashes the reporter instead
 * of being reported.
 */
import { defineConfig } from "vitest/config";

type GroupBy = <K, T>(items: Iterable<T>, key: (item: T, index: number) => K) => Map<K, T[]>;
const mapCtor = Map as unknown as { groupBy?: GroupBy };
if (typeof mapCtor.groupBy !== "function") {
  mapCtor.groupBy = (items, key) => {
    const out = new Map();
    let i = 0;
    for (const item of items) {
      const k = key(item, i++);
      const list = out.get(k);
      if (list) list.push(item);
      else out.set(k, [item]);
    }
    return out;
  };
}
const objectCtor = Object as unknown as {
  groupBy?: (
    items: Iterable<unknown>,
    key: (item: unknown, index: number) => PropertyKey,
  ) => Record<PropertyKey, unknown[]>;
};
if (typeof objectCtor.groupBy !== "function") {
  objectCtor.groupBy = (items, key) => {
    const out: Record<PropertyKey, unknown[]> = Object.create(null);
    let i = 0;
    for (const item of items) {
      const k = key(item, i++);
      const list = out[k] ?? [];
      list.push(item);
      out[k] = list;
    }
    return out;
  };
}

/**
 * Workspace packages export `dist/` to consumers and their TypeScript source under the
 * `@weft/source` condition: tests resolve that condition first, so they run on the source with
 * no build step. The rest are vite's defaults (listing conditions replaces them).
 */
const SOURCE_FIRST = ["@weft/source", "module", "node", "development|production"];

export const sharedConfig = defineConfig({
  resolve: { conditions: SOURCE_FIRST },
  ssr: { resolve: { conditions: SOURCE_FIRST } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
