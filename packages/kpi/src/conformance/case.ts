import type { CounterRole, CounterSpec, MachineState } from "@weft/core";
import type { ShiftCalendarInput, TimeRange } from "../calendar.ts";
import type { Elements } from "../elements.ts";

/** One counter of a case: its role, point, declared width (if any) and its samples. */
export interface CaseCounter {
  role: CounterRole;
  point: string;
  counter?: CounterSpec;
  samples: { ts: number; value: number }[];
}

/**
 * A hand-worked KPI case: what a machine did (state changes, counter samples, jobs), the calendar that
 * plans it, and the elements and KPIs a person computes from ISO 22400-2 for `range`. The readings are
 * built by code from a timeline; the expected figures are written out by hand, never computed.
 */
export interface ConformanceCase {
  name: string;
  /** The case in words, with the arithmetic behind the expected figures. */
  story: string;
  calendar: ShiftCalendarInput;
  range: TimeRange;
  idealCycleS: number;
  states: { ts: number; state: MachineState }[];
  counters: CaseCounter[];
  jobs: { ts: number; job: string }[];
  /** Feed start and end (a reading at least every minute in between). */
  feed: TimeRange;
  expected: {
    elements: Partial<Elements>;
    kpis: { availability: number; effectiveness: number; quality: number; oee: number };
    /** Produced and waste per job (the job ledger). */
    jobs?: Record<string, { produced: number; waste: number }>;
  };
}

/** A reading as `ingest.push` takes it (without the machine key). */
export interface CaseReading {
  point: string;
  ts: number;
  value: number | string;
  quality: "good";
  signal: "state" | "job" | "idealCycleS" | CounterRole;
  counter?: CounterSpec;
}

const MIN = 60_000;

/** The state in effect at `ts`. */
export function stateAt(c: Pick<ConformanceCase, "states">, ts: number): MachineState {
  let s: MachineState = "offline";
  for (const x of c.states) if (x.ts <= ts) s = x.state;
  return s;
}

/**
 * Every reading of a case, in time order: each state change, the state re-sent every minute (as a
 * gateway does), each counter sample with its declared width, job changes, and the ideal cycle time
 * at the feed start.
 */
export function caseReadings(c: ConformanceCase): CaseReading[] {
  const out: CaseReading[] = [
    { point: "IdealCycle", ts: c.feed.start, value: c.idealCycleS, quality: "good", signal: "idealCycleS" },
  ];
  for (const j of c.jobs)
    out.push({ point: "JobId", ts: j.ts, value: j.job, quality: "good", signal: "job" });
  const changes = new Set(c.states.map((s) => s.ts));
  for (const s of c.states) {
    out.push({ point: "DeviceStatus", ts: s.ts, value: s.state, quality: "good", signal: "state" });
  }
  for (let ts = c.feed.start; ts <= c.feed.end; ts += MIN) {
    if (!changes.has(ts))
      out.push({ point: "DeviceStatus", ts, value: stateAt(c, ts), quality: "good", signal: "state" });
  }
  for (const k of c.counters) {
    for (const s of k.samples) {
      const r: CaseReading = { point: k.point, ts: s.ts, value: s.value, quality: "good", signal: k.role };
      if (k.counter) r.counter = k.counter;
      out.push(r);
    }
  }
  return out.sort((a, b) => a.ts - b.ts);
}

/**
 * Counter samples every minute over `feed` of a counter that starts at `start`, gains `perMinute(t)`
 * in the minute starting at `t`, is set to `resetTo` at each `resets` instant, and rolls over after `max`.
 */
export function counterSamples(opts: {
  feed: TimeRange;
  start: number;
  max: number;
  perMinute: (minuteStart: number) => number;
  resets?: number[];
}): { ts: number; value: number }[] {
  const out: { ts: number; value: number }[] = [];
  let v = opts.start;
  for (let ts = opts.feed.start; ts <= opts.feed.end; ts += MIN) {
    if (opts.resets?.includes(ts)) v = 0;
    out.push({ ts, value: v });
    v += opts.perMinute(ts);
    if (v > opts.max) v -= opts.max + 1;
  }
  return out;
}
