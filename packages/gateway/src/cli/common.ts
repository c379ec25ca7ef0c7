import { isWeftError } from "@weft/core";
import pino, { type Logger } from "pino";
import type { ConfigIssue } from "../config/issues.ts";
import { formatIssue } from "../config/issues.ts";

/** Where the CLI writes; injectable so commands can be tested in-process. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: CliIO = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

export function cliLogger(level: string): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
}

/** Print a WeftError (config issues one per line) and return the exit code. */
export function reportError(io: CliIO, e: unknown): number {
  if (isWeftError(e, "CONFIG_INVALID")) {
    const issues = e.details?.issues as ConfigIssue[] | undefined;
    if (issues?.length) {
      io.err(`✗ ${issues.length} problem${issues.length === 1 ? "" : "s"} in the config:`);
      for (const i of issues) io.err(formatIssue(i));
    } else io.err(`✗ ${e.message}${e.fix ? `\n  fix: ${e.fix}` : ""}`);
    return 2;
  }
  if (isWeftError(e)) {
    io.err(`✗ ${e.code}: ${e.message}${e.fix ? `\n  fix: ${e.fix}` : ""}`);
    return 1;
  }
  io.err(`✗ ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return 1;
}
