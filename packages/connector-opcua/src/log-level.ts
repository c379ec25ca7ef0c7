import { LogLevel, setLogLevel } from "node-opcua";

/**
 * node-opcua prints its own unstructured diagnostics (e.g. a dump per missing operational
 * limit node) to stderr. A gateway reports connector problems through pino and the
 * connector's status instead, so it turns these down to errors only.
 */
export function quietNodeOpcuaLogs(level: "errors" | "none" = "errors"): void {
  setLogLevel(level === "none" ? LogLevel.Emergency : LogLevel.Error);
}
