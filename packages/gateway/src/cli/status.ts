import * as path from "node:path";
import { loadConfigFile } from "../config/load.ts";
import { Journal } from "../journal/journal.ts";
import type { GatewayStatus } from "../runtime/status.ts";
import { type CliIO, reportError } from "./common.ts";

/**
 * `weft-gateway status`: ask the running gateway (its /status endpoint); when none answers,
 * read the buffer on disk and say the gateway is not running. Exit 0 running, 3 not running.
 */
export async function statusCommand(
  o: { config?: string; url?: string; json?: boolean },
  io: CliIO,
): Promise<number> {
  try {
    let url = o.url;
    let dataDir: string | null = null;
    if (o.config) {
      const cfg = loadConfigFile(o.config, { env: { ...process.env }, deferIssues: true });
      const h = cfg.config.health;
      if (!url && h) url = `http://${h.host === "0.0.0.0" ? "127.0.0.1" : h.host}:${h.port}`;
      dataDir = path.resolve(cfg.baseDir, cfg.config.gateway.dataDir);
    }
    url ??= "http://127.0.0.1:9464";
    const live = await fetchStatus(url);
    if (live) {
      if (o.json) io.out(JSON.stringify(live));
      else printStatus(live, io);
      return 0;
    }
    io.err(`gateway not answering at ${url}/status`);
    if (dataDir) {
      const j = Journal.open({ dir: path.join(dataDir, "journal"), cursorFlushMs: 3_600_000 });
      const b = j.stats();
      j.close();
      if (o.json) io.out(JSON.stringify({ running: false, buffer: b }));
      else
        io.out(
          `not running; buffer on disk: ${b.pendingReadings} readings in ${b.pendingBatches} batches, ${fmtBytes(b.bytes)}, oldest ${b.oldestPendingTs ? ago(Date.now() - b.oldestPendingTs) : "-"}`,
        );
    }
    return 3;
  } catch (e) {
    return reportError(io, e);
  }
}

async function fetchStatus(url: string): Promise<GatewayStatus | null> {
  try {
    const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? ((await res.json()) as GatewayStatus) : null;
  } catch {
    return null;
  }
}

export function printStatus(s: GatewayStatus, io: CliIO): void {
  const u = s.uplink;
  io.out(
    `gateway ${s.gatewayId}: up ${ago(s.now - s.startedAt)}, ${s.readingsPerSecond.toFixed(1)} readings/s`,
  );
  io.out(`devices: ${s.devices.filter((d) => d.state === "connected").length}/${s.devices.length} connected`);
  for (const d of s.devices)
    io.out(
      `  ${d.id.padEnd(20)} ${d.state.padEnd(12)} ${String(d.readings).padStart(9)} readings  ${d.errors} errors${d.lastError ? `  last: ${d.lastError.message}` : ""}`,
    );
  const b = s.buffer;
  io.out(
    `buffer: ${b.pendingReadings} readings in ${b.pendingBatches} batches, ${fmtBytes(b.bytes)} on disk, oldest unsent ${b.oldestPendingAgeMs === null ? "-" : ago(b.oldestPendingAgeMs)}`,
  );
  if (b.dropped.readings)
    io.out(
      `  dropped (policy ${b.whenFull}): ${b.dropped.readings} readings in ${b.dropped.batches} batches`,
    );
  if (b.corrupt.segments || b.corrupt.records)
    io.out(`  damaged: ${b.corrupt.segments} segments quarantined, ${b.corrupt.records} batches unreadable`);
  if (!u) io.out("uplink: none configured");
  else
    io.out(
      `uplink: ${u.connected ? "connected" : "not connected"}, last upload ${u.lastUploadAt ? `${ago(s.now - u.lastUploadAt)} ago` : "never"}, lag ${u.lastLagMs === null ? "-" : ago(u.lastLagMs)}, ${u.sentReadings} readings sent, ${u.failures} failures${u.lastError ? ` (last: ${u.lastError.code} ${u.lastError.message})` : ""}, compression ${u.compression}`,
    );
}

function ago(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

function fmtBytes(n: number): string {
  return n < 1024
    ? `${n} B`
    : n < 1048576
      ? `${(n / 1024).toFixed(1)} KiB`
      : `${(n / 1048576).toFixed(1)} MiB`;
}
