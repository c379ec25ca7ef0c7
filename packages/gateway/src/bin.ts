#!/usr/bin/env node
import { buildCli } from "./cli/index.ts";

const program = buildCli((code) => {
  process.exitCode = code;
  // Let stdout/stderr drain, then leave even if a library left a handle open.
  setTimeout(() => process.exit(code), 50).unref();
});
program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
