import { defineConfig } from "drizzle-kit";

/** `npx drizzle-kit generate` writes SQL into ./drizzle; the client applies it on start. */
export default defineConfig({
  dialect: "postgresql",
  schema: [
    "./src/schema/assets.ts",
    "./src/schema/auth.ts",
    "./src/schema/calendars.ts",
    "./src/schema/coverage.ts",
    "./src/schema/ingest.ts",
    "./src/schema/operations.ts",
    "./src/schema/production.ts",
    "./src/schema/rollups.ts",
  ],
  out: "./drizzle",
  casing: "snake_case",
});
