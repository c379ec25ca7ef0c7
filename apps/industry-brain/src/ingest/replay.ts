import {
  type CounterRole,
  isCounterRole,
  MACHINE_STATES,
  type MachineState,
  type ReadingValue,
  type SignalRole,
} from "@weft/core";
import {
  BUCKET_FIELDS,
  type Bucket,
  bucketize,
  bucketStart,
  counterDelta,
  emptyBucket,
  type QuantityDelta,
  quantitiesFromCounter,
  type StateInterval,
} from "@weft/kpi";

/**
 * Pure per-machine accounting: fold readings (time order) into per-minute buckets, a job ledger and
 * state intervals, starting from a carried state. The brain stores the carry between batches, so a
 * batch continues exactly where the previous one stopped, on any brain process.
 *
 * Time between two consecutive readings of a machine (any signal) belongs to the state in effect at
 * the first one; a gap longer than `staleMs` is `offline` (no data), never down or idle.
 */
export interface Carry {
  /** Newest applied reading of any signal. */
  lastTs: number | null;
  /** Last reported state (kept across an offline gap until a new state arrives). */
  state: MachineState | null;
  /** Start of the current state interval. */
  stateSince: number | null;
  /** State of the interval before the current one (microstop detection). */
  prevState: MachineState | null;
  jobId: string | null;
  idealCycleS: number | null;
  /** Last raw value per counter point, when it was sampled, and where the counter rolls over. */
  counters: Record<string, CounterCarry>;
}

export interface CounterCarry {
  role: CounterRole;
  last: number;
  /** When `last` was sampled; the next delta is spread over the time since (absent: booked at its sample). */
  ts?: number;
  /** The value after which the counter rolls to 0 (absent: UInt32 for whole numbers, none for kWh). */
  max?: number;
}

/** A counter drop not counted: neither a plausible wrap nor a reset (a wrap implying more than the machine could make). */
export interface CounterAnomaly {
  pointKey: string;
  role: CounterRole;
  ts: number;
  prevTs: number | null;
  prevValue: number;
  value: number;
  delta: number;
  kind: "wrap";
  maxUnits: number;
}

export interface ReplayReading {
  ts: number;
  pointKey: string;
  signal: SignalRole | null;
  value: ReadingValue;
  /** The counter's rollover value, when the reading said (from `Reading.counter`). */
  counterMax?: number;
}

export interface ReplayOptions {
  staleMs: number;
  microstopMs: number;
  bucketMs: number;
  /** Counter roles the machine provides (decides how PQ/GQ are derived). */
  roles: readonly CounterRole[];
}

export interface JobDelta {
  firstTs: number;
  lastTs: number;
  produced: number;
  good: number;
  waste: number;
  runS: number;
  setupS: number;
  energyKwh: number;
}

export interface ReplayResult {
  buckets: Bucket[];
  jobs: Map<string, JobDelta>;
  /** Closed state intervals (including offline gaps), in time order. */
  intervals: StateInterval[];
  carry: Carry;
  /** Counter samples that could not be used (not a finite number). */
  ignored: number;
  /** Counter jumps not counted (see {@link plausibleUnits}). */
  anomalies: CounterAnomaly[];
}

export const emptyCarry = (): Carry => ({
  lastTs: null,
  state: null,
  stateSince: null,
  prevState: null,
  jobId: null,
  idealCycleS: null,
  counters: {},
});

const STATES = new Set<string>(MACHINE_STATES);

function numeric(v: ReadingValue): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  return null;
}

/** Order of signals at the same timestamp: a job or state change applies to counters read at that instant. */
const RANK: Record<string, number> = { job: 0, idealCycleS: 1, state: 2 };
const rank = (r: { signal: SignalRole | null }): number => (r.signal === null ? 9 : (RANK[r.signal] ?? 5));

/**
 * Canonical order: by ts, then job, ideal cycle, state, counters, other; then point key. Arrival
 * order never matters, so a replay from stored rows gives the same result as the live path.
 */
export function byTime<T extends { ts: number; signal: SignalRole | null; pointKey: string }>(
  rows: readonly T[],
): T[] {
  const cmp = (a: T, b: T): number =>
    a.ts - b.ts || rank(a) - rank(b) || (a.pointKey < b.pointKey ? -1 : a.pointKey > b.pointKey ? 1 : 0);
  const out = rows.slice();
  for (let i = 1; i < out.length; i++) {
    if ((out[i - 1] as T).ts > (out[i] as T).ts) return out.sort(cmp);
  }
  // Timestamps ascend (the usual batch): only runs of equal ts need ordering, a handful of
  // readings each, so an insertion sort is linear here where a full sort is not.
  for (let i = 1; i < out.length; i++) {
    const x = out[i] as T;
    let j = i - 1;
    while (j >= 0 && cmp(out[j] as T, x) > 0) {
      out[j + 1] = out[j] as T;
      j--;
    }
    out[j + 1] = x;
  }
  return out;
}

/** Fold readings (any order; sorted here) into buckets, job deltas and intervals. Does not mutate `start`. */
export function replay(start: Carry, readings: readonly ReplayReading[], opts: ReplayOptions): ReplayResult {
  const c: Carry = { ...start, counters: { ...start.counters } };
  const spans: StateInterval[] = [];
  const removed: StateInterval[] = [];
  const intervals: StateInterval[] = [];
  const deltas: QuantityDelta[] = [];
  /** Start of each down interval that ended in this run (not a microstop): one failure each. */
  const failureStarts: number[] = [];
  const jobs = new Map<string, JobDelta>();
  let ignored = 0;
  let gapInState = false;
  const anomalies: CounterAnomaly[] = [];

  const job = (ts: number): JobDelta | null => {
    if (c.jobId === null) return null;
    let j = jobs.get(c.jobId);
    if (!j) {
      j = { firstTs: ts, lastTs: ts, produced: 0, good: 0, waste: 0, runS: 0, setupS: 0, energyKwh: 0 };
      jobs.set(c.jobId, j);
    }
    if (ts < j.firstTs) j.firstTs = ts;
    if (ts > j.lastTs) j.lastTs = ts;
    return j;
  };
  const addSpan = (from: number, to: number, state: MachineState): void => {
    if (to <= from) return;
    const last = spans[spans.length - 1];
    if (last && last.state === state && last.end === from && !last.microstop) last.end = to;
    else spans.push({ start: from, end: to, state });
    const j = job(from);
    if (j) {
      if (state === "running") j.runS += (to - from) / 1000;
      else if (state === "setup") j.setupS += (to - from) / 1000;
      if (to > j.lastTs) j.lastTs = to;
    }
  };
  const closeInterval = (at: number): void => {
    // Zero-length intervals are kept (a state set at the last reading before an offline gap): the
    // late path rebuilds the carry before the gap from them.
    if (c.state !== null && c.stateSince !== null && at >= c.stateSince) {
      intervals.push({ start: c.stateSince, end: at, state: c.state });
    }
  };

  for (const r of byTime(readings)) {
    if (c.lastTs !== null && r.ts > c.lastTs) {
      if (r.ts - c.lastTs > opts.staleMs) {
        addSpan(c.lastTs, r.ts, "offline");
        closeInterval(c.lastTs);
        intervals.push({ start: c.lastTs, end: r.ts, state: "offline" });
        if (c.state !== null) {
          c.prevState = "offline";
          c.stateSince = r.ts;
        }
        gapInState = true;
      } else {
        addSpan(c.lastTs, r.ts, c.state ?? "offline");
      }
    }
    if (c.lastTs === null || r.ts > c.lastTs) c.lastTs = r.ts;
    const signal = r.signal;
    if (signal === "state") {
      const s = typeof r.value === "string" && STATES.has(r.value) ? (r.value as MachineState) : null;
      if (s === null) {
        ignored++;
        continue;
      }
      if (s === c.state) continue;
      const since = c.stateSince;
      if (c.state !== null && since === r.ts) {
        // The current state has held for no time (a state carried across an offline gap and replaced
        // at the gap's first reading, or two changes at one instant): as in @weft/kpi's microstop
        // detection it never happened, so it is not recorded and not the state before `s`.
        c.state = s;
        gapInState = false;
        continue;
      }
      const isMicrostop =
        s === "running" &&
        (c.state === "down" || c.state === "idle") &&
        c.prevState === "running" &&
        since !== null &&
        !gapInState &&
        r.ts - since < opts.microstopMs;
      if (isMicrostop && since !== null && c.state !== null) {
        removed.push({ start: since, end: r.ts, state: c.state });
        spans.push({ start: since, end: r.ts, state: "running", microstop: true });
        intervals.push({ start: since, end: r.ts, state: c.state, microstop: true });
      } else {
        closeInterval(r.ts);
        if (c.state === "down" && since !== null) failureStarts.push(since);
      }
      c.prevState = c.state;
      c.state = s;
      c.stateSince = r.ts;
      gapInState = false;
    } else if (signal === "job") {
      const id = r.value === null ? "" : String(r.value).trim();
      c.jobId = id === "" ? null : id.slice(0, 200);
      job(r.ts);
    } else if (signal === "idealCycleS") {
      const n = numeric(r.value);
      if (n !== null && n > 0) c.idealCycleS = n;
    } else if (signal !== null && isCounterRole(signal)) {
      const v = numeric(r.value);
      if (v === null || v < 0) {
        ignored++;
        continue;
      }
      const prev = c.counters[r.pointKey];
      const max = r.counterMax ?? prev?.max;
      c.counters[r.pointKey] = counterCarry(signal, v, r.ts, max);
      if (!prev) continue;
      // Fast path: a counter that rose (the common case) needs no wrap/reset analysis.
      let delta = v - prev.last;
      let kind: "increase" | "wrap" | "reset" = "increase";
      if (delta < 0) {
        const d = dropDelta(signal, prev.last, v, max);
        delta = d.delta;
        kind = d.kind === "wrap" ? "wrap" : "reset";
      }
      if (delta <= 0) continue;
      // Only a wrap is judged: a plain increase is what the device said (an accelerated simulator
      // counts faster than its ideal rate), while a wrap is the brain's reading of a drop.
      const limit = kind === "wrap" ? plausibleUnits(signal, prev.ts, r.ts, c.idealCycleS) : null;
      if (limit !== null && delta > limit) {
        anomalies.push({
          pointKey: r.pointKey,
          role: signal,
          ts: r.ts,
          prevTs: prev.ts ?? null,
          prevValue: prev.last,
          value: v,
          delta,
          kind: "wrap",
          maxUnits: limit,
        });
        continue;
      }
      const q = quantitiesFromCounter(signal, r.ts, delta, { roles: opts.roles, idealCycleS: c.idealCycleS });
      if (prev.ts !== undefined && prev.ts < r.ts) q.from = prev.ts;
      deltas.push(q);
      const j = job(r.ts);
      if (j) {
        j.produced += q.produced ?? 0;
        j.good += q.good ?? 0;
        j.waste += q.scrap ?? 0;
        j.energyKwh += q.energyKwh ?? 0;
      }
    }
  }

  const plus = bucketize(spans, deltas, opts.bucketMs);
  const minus = removed.length ? bucketize(removed, [], opts.bucketMs) : [];
  return {
    buckets: withFailures(subtractBuckets(plus, minus), failureStarts, opts.bucketMs),
    jobs,
    intervals,
    carry: c,
    ignored,
    anomalies,
  };
}

function counterCarry(role: CounterRole, last: number, ts: number, max: number | undefined): CounterCarry {
  return max === undefined ? { role, last, ts } : { role, last, ts, max };
}

/**
 * A drop: a wrap when the previous value was near the counter's maximum (its declared width, else
 * UInt32 for whole numbers; kWh meters only wrap at a declared max), otherwise a reset.
 */
function dropDelta(role: CounterRole, prev: number, next: number, max: number | undefined) {
  const float = role === "energyKwh" || !Number.isInteger(next) || !Number.isInteger(prev);
  if (max === undefined) return counterDelta(prev, next, { type: float ? "float" : "uint32" });
  if (prev > max) return { delta: next, kind: "reset" as const };
  return counterDelta(prev, next, { type: float ? "float" : "uint64", max });
}

/** How much faster than its ideal rate a machine may count before a jump is called implausible. */
export const RATE_SLACK = 3;
/** Units always allowed in one step (sampling jitter, a burst at start). */
export const UNITS_SLACK = 10;

/**
 * Most units a counter step may plausibly add: 3 × the ideal rate (1 / PRU) over the time since the
 * previous sample, plus 10. Null (no limit) for kWh, without a known PRU or without the previous
 * sample's time. A wrap adding more is a counter anomaly, not production (a drop that is neither a
 * plausible wrap nor a reset).
 */
export function plausibleUnits(
  role: CounterRole,
  prevTs: number | undefined,
  ts: number,
  idealCycleS: number | null,
): number | null {
  if (role === "energyKwh" || prevTs === undefined || idealCycleS === null || idealCycleS <= 0) return null;
  return (Math.max(0, ts - prevTs) / 1000 / idealCycleS) * RATE_SLACK + UNITS_SLACK;
}

/**
 * Spans are cut per reading and per batch, so `bucketize` would count one down interval several
 * times. A failure is instead counted once, when a down interval ends (and is not a microstop), in
 * the bucket where that interval started (ISO 22400: failures count where they start).
 */
function withFailures(buckets: Bucket[], failureStarts: readonly number[], bucketMs: number): Bucket[] {
  const byStart = new Map<number, Bucket>();
  for (const b of buckets) {
    b.failures = 0;
    byStart.set(b.start, b);
  }
  for (const ts of failureStarts) {
    const start = bucketStart(ts, bucketMs);
    let b = byStart.get(start);
    if (!b) {
      b = emptyBucket(start);
      byStart.set(start, b);
      buckets.push(b);
    }
    b.failures += 1;
  }
  return failureStarts.length > 0 ? buckets.sort((a, b) => a.start - b.start) : buckets;
}

/** a − b per bucket start (buckets in `b` only appear negated). */
export function subtractBuckets(a: readonly Bucket[], b: readonly Bucket[]): Bucket[] {
  if (b.length === 0) return a.slice();
  const map = new Map<number, Bucket>();
  for (const x of a) map.set(x.start, { ...x });
  for (const y of b) {
    let x = map.get(y.start);
    if (!x) {
      x = { ...y };
      for (const f of BUCKET_FIELDS) x[f] = 0;
      map.set(y.start, x);
    }
    for (const f of BUCKET_FIELDS) x[f] -= y[f];
  }
  return [...map.values()].sort((p, q) => p.start - q.start);
}

/** Job deltas a − b. */
export function subtractJobs(a: Map<string, JobDelta>, b: Map<string, JobDelta>): Map<string, JobDelta> {
  const out = new Map<string, JobDelta>();
  for (const [k, v] of a) out.set(k, { ...v });
  for (const [k, v] of b) {
    const x = out.get(k) ?? { ...v, produced: 0, good: 0, waste: 0, runS: 0, setupS: 0, energyKwh: 0 };
    x.produced -= v.produced;
    x.good -= v.good;
    x.waste -= v.waste;
    x.runS -= v.runS;
    x.setupS -= v.setupS;
    x.energyKwh -= v.energyKwh;
    x.firstTs = Math.min(x.firstTs, v.firstTs);
    x.lastTs = Math.max(x.lastTs, v.lastTs);
    out.set(k, x);
  }
  return out;
}

/** The roles among a carry's counters and a set of readings. */
export function counterRoles(carry: Carry, readings: readonly ReplayReading[]): CounterRole[] {
  const roles = new Set<CounterRole>();
  for (const c of Object.values(carry.counters)) roles.add(c.role);
  for (const r of readings) if (r.signal !== null && isCounterRole(r.signal)) roles.add(r.signal);
  return [...roles];
}
