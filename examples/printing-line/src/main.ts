import { parseArgs } from "node:util";
import { runPrintingLine } from "./run.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    speed: { type: "string", default: "600" },
    help: { type: "boolean" },
  },
});
if (values.help) {
  console.log(
    "usage: pnpm --filter @weft/example-printing-line start [--seconds 20] [--speed 600]\n(DATABASE_URL=postgres://… to use PostgreSQL instead of embedded PGlite)",
  );
  process.exit(0);
}
await runPrintingLine({
  seconds: Number(values.seconds),
  speed: Number(values.speed),
  databaseUrl: process.env.DATABASE_URL,
});
process.exit(0);
