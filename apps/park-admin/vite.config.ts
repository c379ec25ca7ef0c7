import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig, type Plugin } from "vite";

/**
 * ECharts is its own chunk (loaded by `import()` in Chart.tsx), so the browser only learned of it
 * once the app's bundle had run, and asked for it together with the page's first tRPC batch: the
 * brain then sent its 600 kB after answering the batch, and the charts waited for it. A
 * `modulepreload` link has it fetched and compiled beside the app's bundle, before any query.
 */
function preloadEcharts(): Plugin {
  return {
    name: "weft:preload-echarts",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find(
          (c) => c.type === "chunk" && c.name === "echarts-setup",
        );
        if (!chunk) throw new Error("no echarts-setup chunk to preload");
        return [
          {
            tag: "link",
            attrs: { rel: "modulepreload", crossorigin: true, href: `/${chunk.fileName}` },
            injectTo: "head",
          },
        ];
      },
    },
  };
}

/** Dev: `WEFT_BRAIN_URL` (default http://127.0.0.1:3000) receives `/trpc`. Build: `dist/`, served by the brain. */
export default defineConfig({
  plugins: [react(), preloadEcharts()],
  // Workspace packages (`@weft/kpi/zone`) are bundled from their sources, as tsx and vitest run them:
  // the app's build does not wait for theirs.
  resolve: { conditions: ["@weft/source", ...defaultClientConditions] },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1_500 },
  server: {
    proxy: {
      "/trpc": { target: process.env.WEFT_BRAIN_URL ?? "http://127.0.0.1:3000", changeOrigin: false },
    },
  },
});
