import type { ConnectorState } from "@weft/connector-sdk";
import type { JournalStats } from "../journal/journal.ts";
import { LOSS_REASONS } from "../journal/losses.ts";
import type { UplinkStatus } from "../uplink/uplink.ts";

export interface DeviceStatus {
  id: string;
  machine: string;
  connector: string;
  state: ConnectorState | "disabled" | "failed";
  connectedSince: number | null;
  readings: number;
  badReadings: number;
  errors: number;
  reconnects: number;
  lastError: { code: string; message: string; at: number } | null;
  /** The likely cause when the device does not answer as it should (unit id, wrong area, firewall…). */
  hint: string | null;
  /** Profile signals switched off because the device lacks their inputs. */
  disabledSignals: string[];
}

/** Everything `weft-gateway status`, `/status` and `/metrics` report. */
export interface GatewayStatus {
  gatewayId: string;
  startedAt: number;
  now: number;
  readingsPerSecond: number;
  readingsTotal: number;
  devices: DeviceStatus[];
  buffer: JournalStats & {
    oldestPendingAgeMs: number | null;
    whenFull: string;
    fsync: string;
    /** Seconds until the backlog is uploaded at the current drain rate (null: not shrinking). */
    etaSeconds: number | null;
  };
  uplink: UplinkStatus | null;
}

const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** Prometheus text exposition (version 0.0.4) of a status snapshot. */
export function formatMetrics(s: GatewayStatus): string {
  const out: string[] = [];
  const metric = (
    name: string,
    type: "gauge" | "counter",
    help: string,
    samples: [Record<string, string>, number | null][],
  ) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of samples) {
      const l = Object.entries({ gateway: s.gatewayId, ...labels })
        .map(([k, x]) => `${k}="${esc(x)}"`)
        .join(",");
      out.push(`${name}{${l}} ${v === null ? "NaN" : v}`);
    }
  };
  const u = s.uplink;
  metric(
    "weft_gateway_readings_per_second",
    "gauge",
    "Readings taken from devices per second (10 s window).",
    [[{}, round(s.readingsPerSecond)]],
  );
  metric("weft_gateway_readings_total", "counter", "Readings taken from devices since start.", [
    [{}, s.readingsTotal],
  ]);
  metric("weft_gateway_buffer_bytes", "gauge", "Bytes of the on-disk buffer (journal).", [
    [{}, s.buffer.bytes],
  ]);
  metric(
    "weft_gateway_buffer_pending_readings",
    "gauge",
    "Readings buffered and not yet accepted by the brain.",
    [[{}, s.buffer.pendingReadings]],
  );
  metric(
    "weft_gateway_buffer_pending_batches",
    "gauge",
    "Batches buffered and not yet accepted by the brain.",
    [[{}, s.buffer.pendingBatches]],
  );
  metric(
    "weft_gateway_oldest_unsent_age_seconds",
    "gauge",
    "Age of the oldest reading not yet accepted by the brain (0 when none).",
    [[{}, s.buffer.oldestPendingAgeMs === null ? 0 : s.buffer.oldestPendingAgeMs / 1000]],
  );
  metric(
    "weft_gateway_readings_dropped_total",
    "counter",
    "Readings dropped by the buffer's overflow policy.",
    [[{ reason: "buffer-full" }, s.buffer.dropped.readings]],
  );
  metric(
    "weft_gateway_lost_readings_total",
    "counter",
    "Buffered readings lost for good, by reason (buffer-full, damaged, torn-tail, power-cut, unreadable).",
    LOSS_REASONS.map((r) => [{ reason: r }, s.buffer.lossTotals[r].readings]),
  );
  metric(
    "weft_gateway_lost_batches_total",
    "counter",
    "Buffered batches lost for good, by reason.",
    LOSS_REASONS.map((r) => [{ reason: r }, s.buffer.lossTotals[r].batches]),
  );
  metric(
    "weft_gateway_dead_letter_batches_total",
    "counter",
    "Batches the brain refused for good, kept in the buffer's dead-letter area.",
    [[{}, s.buffer.deadLetters.batches]],
  );
  metric(
    "weft_gateway_dead_letter_readings_total",
    "counter",
    "Readings kept in the dead-letter area (refused batches and readings rejected one by one).",
    [[{}, s.buffer.deadLetters.readings]],
  );
  metric(
    "weft_gateway_backlog_eta_seconds",
    "gauge",
    "Seconds until the backlog is uploaded at the current drain rate (NaN while it is not shrinking).",
    [[{}, s.buffer.etaSeconds === null ? null : round(s.buffer.etaSeconds)]],
  );
  metric(
    "weft_gateway_buffer_corrupt_segments_total",
    "counter",
    "Buffer segments found damaged and quarantined.",
    [[{}, s.buffer.corrupt.segments]],
  );
  metric(
    "weft_gateway_buffer_corrupt_records_total",
    "counter",
    "Buffered batches lost to damage: in a segment, a torn tail, or found at read time.",
    [[{}, s.buffer.corrupt.records]],
  );
  metric(
    "weft_gateway_upload_lag_seconds",
    "gauge",
    "Upload time minus the source time of the oldest reading of the last uploaded batch.",
    [[{}, u?.lastLagMs == null ? null : u.lastLagMs / 1000]],
  );
  metric("weft_gateway_last_upload_timestamp_seconds", "gauge", "When the brain last accepted a batch.", [
    [{}, u?.lastUploadAt == null ? null : u.lastUploadAt / 1000],
  ]);
  metric("weft_gateway_uploaded_readings_total", "counter", "Readings accepted by the brain.", [
    [{}, u?.sentReadings ?? 0],
  ]);
  metric("weft_gateway_upload_failures_total", "counter", "Failed upload attempts.", [
    [{}, u?.failures ?? 0],
  ]);
  metric(
    "weft_gateway_drain_readings_per_second",
    "gauge",
    "Readings the brain accepted per second (10 s window).",
    [[{}, round(u?.drainPerSecond ?? 0)]],
  );
  metric(
    "weft_gateway_seq_renumberings_total",
    "counter",
    "Times unsent batches were renumbered after the brain reported a SEQ_CONFLICT.",
    [[{}, u?.renumberings ?? 0]],
  );
  metric("weft_gateway_brain_connected", "gauge", "1 when the last upload succeeded.", [
    [{}, u?.connected ? 1 : 0],
  ]);
  metric(
    "weft_gateway_device_connected",
    "gauge",
    "1 when the device answers (a successful read), 0 while connecting, unresponsive or failed.",
    s.devices.map((d) => [{ device: d.id }, d.state === "connected" ? 1 : 0]),
  );
  metric(
    "weft_gateway_device_readings_total",
    "counter",
    "Readings per device.",
    s.devices.map((d) => [{ device: d.id }, d.readings]),
  );
  metric(
    "weft_gateway_device_bad_readings_total",
    "counter",
    "Readings with bad quality per device.",
    s.devices.map((d) => [{ device: d.id }, d.badReadings]),
  );
  metric(
    "weft_gateway_device_errors_total",
    "counter",
    "Protocol and connection errors per device.",
    s.devices.map((d) => [{ device: d.id }, d.errors]),
  );
  return `${out.join("\n")}\n`;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
