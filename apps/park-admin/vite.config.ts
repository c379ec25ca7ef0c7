import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** Dev: `WEFT_BRAIN_URL` (default http://127.0.0.1:3000) receives `/trpc`. Build: `dist/`, served by the brain. */
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1_500 },
  server: {
    proxy: {
      "/trpc": { target: process.env.WEFT_BRAIN_URL ?? "http://127.0.0.1:3000", changeOrigin: false },
    },
  },
});
