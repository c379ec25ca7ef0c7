/** The ISO 22400 elements the loss waterfall needs (seconds; quantities in units). */
export interface LossElements {
  pbtS: number;
  aptS: number;
  austS: number;
  adetS: number;
  adotS: number;
  offlineS: number;
  idealS: number;
  pq: number;
  gq: number;
}

export type LossStep =
  | "planned"
  | "setup"
  | "down"
  | "idle"
  | "offline"
  | "running"
  | "performance"
  | "quality"
  | "productive";

/** One bar: a total (from 0) or a loss hanging from the running total. Hours. */
export interface WaterfallBar {
  step: LossStep;
  kind: "total" | "loss";
  base: number;
  value: number;
}

/**
 * Planned busy time → availability losses (setup, down, idle, no data) → running time →
 * performance loss (running time not explained by ideal cycle × output, microstops included) →
 * quality loss (ideal time of the scrap) → fully productive time. Availability losses are scaled
 * down together when the machine ran outside its plan, so the bars always meet.
 */
export function lossWaterfall(e: LossElements): WaterfallBar[] {
  const h = (s: number) => Math.max(0, s) / 3600;
  const planned = Math.max(h(e.pbtS), h(e.aptS));
  const running = Math.min(h(e.aptS), planned);
  const raw = { setup: h(e.austS), down: h(e.adetS), idle: h(e.adotS), offline: h(e.offlineS) };
  const rawSum = raw.setup + raw.down + raw.idle + raw.offline;
  const scale = rawSum > 0 ? (planned - running) / rawSum : 0;
  const bars: WaterfallBar[] = [{ step: "planned", kind: "total", base: 0, value: planned }];
  let level = planned;
  for (const step of ["setup", "down", "idle", "offline"] as const) {
    const v = raw[step] * scale;
    level -= v;
    bars.push({ step, kind: "loss", base: Math.max(0, level), value: v });
  }
  bars.push({ step: "running", kind: "total", base: 0, value: running });
  const ideal = Math.min(h(e.idealS), running);
  bars.push({ step: "performance", kind: "loss", base: ideal, value: running - ideal });
  const productive = e.pq > 0 ? (ideal * Math.max(0, Math.min(e.gq, e.pq))) / e.pq : 0;
  bars.push({ step: "quality", kind: "loss", base: productive, value: ideal - productive });
  bars.push({ step: "productive", kind: "total", base: 0, value: productive });
  return bars;
}
