import { type Connector, canReadOnce } from "@weft/connector-sdk";
import type { Reading } from "@weft/core";
import type { Logger } from "pino";
import { loadAndValidate } from "../config/validate.ts";
import { createDefaultRegistry } from "../connectors/registry.ts";
import { type CliIO, reportError } from "./common.ts";

export interface ReadOptions {
  device?: string;
  json?: boolean;
  timeoutMs: number;
  /** Diagnostics (stderr); stdout carries only the readings. */
  logger?: Logger;
}

/**
 * `weft-gateway read`: read every configured point once and print one line per reading.
 * A device "answered" when at least one of its readings is not `bad`. Exit 0 when every
 * selected device answered, 1 otherwise, 2 on a config error.
 */
export async function readCommand(file: string, o: ReadOptions, io: CliIO): Promise<number> {
  try {
    const cfg = await loadAndValidate(file, createDefaultRegistry());
    if (cfg.devices.some((d) => d.connector === "opcua")) {
      const opcua = (await import("@weft/connector-opcua")) as {
        routeNodeOpcuaLogs?: (l: Logger | null) => void;
      };
      opcua.routeNodeOpcuaLogs?.(o.logger ?? null);
    }
    const devices = cfg.devices.filter((d) => (o.device ? d.id === o.device : d.enabled));
    if (o.device && devices.length === 0) {
      io.err(`✗ no device "${o.device}"; configured: ${cfg.devices.map((d) => d.id).join(", ")}`);
      return 2;
    }
    const results = await Promise.all(
      devices.map(async (d) => {
        const factory = cfg.factories.get(d.connector);
        if (!factory) return { d, readings: [] as Reading[], error: "no connector" };
        try {
          return { d, readings: await readOnce(factory.create(d.connectorConfig), o.timeoutMs), error: null };
        } catch (e) {
          return { d, readings: [] as Reading[], error: String((e as Error).message ?? e) };
        }
      }),
    );
    let allAnswered = true;
    for (const { d, readings, error } of results) {
      const answered = readings.some((r) => r.quality !== "bad");
      if (!answered) allAnswered = false;
      for (const r of readings) {
        if (o.json)
          io.out(
            JSON.stringify({
              device: d.id,
              point: r.point,
              value: r.value,
              quality: r.quality,
              ts: r.ts,
              ...(r.status ? { status: r.status } : {}),
            }),
          );
        else
          io.out(
            `${d.id}  ${r.point.padEnd(24)} ${formatValue(r.value).padEnd(20)} ${r.quality}${r.status ? ` (${r.status})` : ""}  ${new Date(r.ts).toISOString()}`,
          );
      }
      if (!answered)
        io.err(
          `✗ ${d.id} did not answer${error ? `: ${error}` : readings[0]?.status ? `: ${readings[0].status}` : ""}`,
        );
    }
    return allAnswered ? 0 : 1;
  } catch (e) {
    return reportError(io, e);
  }
}

/** One value per point: `readOnce` when the connector has it, else the first delivery after start. */
async function readOnce(connector: Connector, timeoutMs: number): Promise<Reading[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    if (canReadOnce(connector)) return await connector.readOnce({ signal: abort.signal });
    const latest = new Map<string, Reading>();
    await connector.start({
      sink: (rs) => {
        for (const r of rs) latest.set(r.point, r);
      },
      signal: abort.signal,
    });
    while (!abort.signal.aborted && latest.size === 0) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    return [...latest.values()];
  } finally {
    clearTimeout(timer);
    await connector.stop();
  }
}

function formatValue(v: Reading["value"]): string {
  return typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? "null");
}
