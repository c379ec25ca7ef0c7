import * as path from "node:path";
import { loadConfigFile } from "../config/load.ts";
import { Journal } from "../journal/journal.ts";
import { lockHolder } from "../journal/lock.ts";
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
    const holder = dataDir ? lockHolder(path.join(dataDir, "journal")) : null;
    if (dataDir && holder !== null) {
      io.out(`running as process ${holder}, but its health endpoint does not answer (health: false?)`);
      return 0;
    }
    if (dataDir) {
      const j = Journal.open({ dir: path.join(dataDir, "journal"), cursorFlushMs: 3_600_000 });
      const b = j.stats();
      j.close();
      if (o.json) io.out(JSON.stringify({ running: false, buffer: b }));
      else {
        io.out(
          `not running; buffer on disk: ${b.pendingReadings} readings in ${b.pendingBatches} batches, ${fmtBytes(b.bytes)}, oldest ${b.oldestPendingTs ? ago(Date.now() - b.oldestPendingTs) : "-"}`,
        );
        printLosses({ ...b, whenFull: "see config" }, io);
      }
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
      `  ${d.id.padEnd(20)} ${d.state.padEnd(12)} ${String(d.readings).padStart(9)} readings  ${d.errors} errors${d.lastError ? `  last: ${d.lastError.message}` : ""}${d.hint ? `\n  ${"".padEnd(20)} hint: ${d.hint}` : ""}`,
    );
  const b = s.buffer;
  io.out(
    `buffer: ${b.pendingReadings} readings in ${b.pendingBatches} batches, ${fmtBytes(b.bytes)} on disk, oldest unsent ${b.oldestPendingAgeMs === null ? "-" : ago(b.oldestPendingAgeMs)}, fsync ${b.fsync}`,
  );
  if (b.pendingReadings > 0)
    io.out(
      `  backlog: draining at ${Math.round(u?.drainPerSecond ?? 0)} readings/s, done in ${b.etaSeconds === null ? "- (not shrinking)" : ago(b.etaSeconds * 1000)}`,
    );
  printLosses(b, io);
  if (!u) io.out("uplink: none configured");
  else
    io.out(
      `uplink: ${u.connected ? "connected" : "not connected"}, last upload ${u.lastUploadAt ? `${ago(s.now - u.lastUploadAt)} ago` : "never"}, lag ${u.lastLagMs === null ? "-" : ago(u.lastLagMs)}, ${u.sentReadings} readings sent, ${u.failures} failures${u.lastError ? ` (last: ${u.lastError.code} ${u.lastError.message})` : ""}, compression ${u.compression}`,
    );
}

/** Every loss by reason with the latest entries' seq ranges, and the dead letters with the brain's reasons. */
export function printLosses(
  b: Pick<GatewayStatus["buffer"], "lossTotals" | "losses" | "deadLetters" | "corrupt" | "whenFull">,
  io: CliIO,
): void {
  const reasons = Object.entries(b.lossTotals).filter(([, t]) => t.batches > 0 || t.readings > 0);
  if (reasons.length)
    io.out(
      `  lost: ${reasons.map(([r, t]) => `${t.readings} readings in ${t.batches} batches (${r}${r === "buffer-full" ? `, policy ${b.whenFull}` : ""})`).join("; ")}`,
    );
  for (const l of b.losses.slice(-10))
    io.out(
      `    ${new Date(l.at).toISOString()} ${l.reason}: seq ${l.fromSeq === l.toSeq ? l.fromSeq : `${l.fromSeq}-${l.toSeq}`}, ${l.batches} batches, ${l.readings ?? "unknown"} readings${l.segment ? ` (${l.segment})` : ""}${l.note ? ` — ${l.note}` : ""}`,
    );
  if (b.corrupt.segments)
    io.out(`  quarantined segments: ${b.corrupt.segments} (copies in journal/quarantine)`);
  if (b.deadLetters.batches || b.deadLetters.readings) {
    io.out(
      `  dead letters: ${b.deadLetters.batches} batches refused, ${b.deadLetters.readings} readings kept in journal/dead-letters`,
    );
    for (const d of b.deadLetters.latest.slice(-10))
      io.out(
        `    ${new Date(d.at).toISOString()} seq ${d.seq}${d.wireSeq !== d.seq ? ` (brain seq ${d.wireSeq})` : ""}: ${d.readings} readings, ${d.kind === "batch" ? "batch refused" : "readings rejected"}, ${d.code}: ${d.reason}`,
      );
  }
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
