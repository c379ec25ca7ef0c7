import { format } from "node:util";
import type { ConnectorLogger } from "@weft/connector-sdk";
import { LogLevel, setDebugLogger, setErrorLogger, setLogLevel, setWarningLogger } from "node-opcua";

/**
 * node-opcua prints its own diagnostics with console.log — to stdout, in coloured multi-line
 * blocks (e.g. one per OperationLimits node a reduced namespace 0 lacks). A gateway's stdout
 * belongs to its commands' output and its logs are structured, so from the moment this package
 * is loaded node-opcua's loggers write nowhere but the logger given to {@link routeNodeOpcuaLogs},
 * at debug level (`--log-level debug` shows them).
 */
let sink: ConnectorLogger | null = null;
// node-opcua colours its output (chalk): the escape sequences are noise in a structured log.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

function forward(kind: "error" | "warning" | "debug") {
  return (context?: unknown, ...args: unknown[]) => {
    if (!sink) return;
    const ctx = (context ?? {}) as { filename?: string; callerline?: number };
    sink.debug(
      { source: "node-opcua", kind, ...(ctx.filename ? { file: ctx.filename, line: ctx.callerline } : {}) },
      format(...args).replace(ANSI, ""),
    );
  };
}

setErrorLogger(forward("error"));
setWarningLogger(forward("warning"));
setDebugLogger(forward("debug"));

/** Send node-opcua's own diagnostics to `logger` at debug level (null: drop them). */
export function routeNodeOpcuaLogs(logger: ConnectorLogger | null): void {
  sink = logger;
}

/** Turn node-opcua's diagnostics down further (they are already off stdout; see routeNodeOpcuaLogs). */
export function quietNodeOpcuaLogs(level: "errors" | "none" = "errors"): void {
  setLogLevel(level === "none" ? LogLevel.Emergency : LogLevel.Error);
}
