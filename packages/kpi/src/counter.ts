/** How a counter is encoded on the device. `float` counters (e.g. kWh meters) never wrap unless `max` is set. */
export type CounterType = "uint16" | "uint32" | "uint64" | "float";

/** A counter value: a number, or for UInt64 a bigint or decimal string (how core carries Int64 readings). */
export type CounterValue = number | bigint | string;

export interface CounterOptions {
  type: CounterType;
  /**
   * A drop is a wrap when the previous value was within `wrapMargin` of the maximum.
   * Default: 10% of the range (6 553 for uint16, 429 496 729 for uint32); for `float`, 10% of `max`.
   */
  wrapMargin?: number;
  /** The value after which the counter rolls to 0, if not the type's own (e.g. a 6-digit counter: 999 999). */
  max?: number;
}

export type CounterDeltaKind = "increase" | "unchanged" | "wrap" | "reset" | "invalid";

export interface CounterDelta {
  /** Never negative. A reset yields the new value (counts since the reset); `invalid` yields 0. */
  delta: number;
  kind: CounterDeltaKind;
}

const TYPE_MAX: Record<Exclude<CounterType, "float">, bigint> = {
  uint16: 65_535n,
  uint32: 4_294_967_295n,
  uint64: 18_446_744_073_709_551_615n,
};

function toBig(v: CounterValue): bigint | null {
  try {
    if (typeof v === "bigint") return v;
    if (typeof v === "number") return Number.isSafeInteger(v) ? BigInt(v) : null;
    return /^\d+$/.test(v.trim()) ? BigInt(v.trim()) : null;
  } catch {
    return null;
  }
}

function toFloat(v: CounterValue): number | null {
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * Increase of a counter between two samples; never negative.
 * A drop is a **wrap** when `prev` was within `wrapMargin` of the maximum (delta = max − prev + 1 + next),
 * otherwise a **reset** (new job, power cycle): delta = `next`, the count since the reset.
 * A reset is not a loss of production. Values outside the type's range are `invalid` (delta 0).
 * @example
 * counterDelta(65_530, 4, { type: "uint16" }); // { delta: 10, kind: "wrap" }
 * counterDelta(1_200, 15, { type: "uint16" }); // { delta: 15, kind: "reset" }
 */
export function counterDelta(prev: CounterValue, next: CounterValue, opts: CounterOptions): CounterDelta {
  return opts.type === "float" ? floatDelta(prev, next, opts) : intDelta(prev, next, opts);
}

function intDelta(prev: CounterValue, next: CounterValue, opts: CounterOptions): CounterDelta {
  const type = opts.type === "float" ? "uint64" : opts.type;
  const max = opts.max === undefined ? TYPE_MAX[type] : BigInt(Math.floor(opts.max));
  const p = toBig(prev);
  const n = toBig(next);
  if (p === null || n === null || p < 0n || n < 0n || p > max || n > max)
    return { delta: 0, kind: "invalid" };
  if (n === p) return { delta: 0, kind: "unchanged" };
  if (n > p) return { delta: Number(n - p), kind: "increase" };
  const margin = opts.wrapMargin === undefined ? (max + 1n) / 10n : BigInt(Math.floor(opts.wrapMargin));
  if (p >= max - margin) return { delta: Number(max - p + 1n + n), kind: "wrap" };
  return { delta: Number(n), kind: "reset" };
}

function floatDelta(prev: CounterValue, next: CounterValue, opts: CounterOptions): CounterDelta {
  const p = toFloat(prev);
  const n = toFloat(next);
  const max = opts.max;
  if (p === null || n === null || p < 0 || n < 0 || (max !== undefined && (p > max || n > max))) {
    return { delta: 0, kind: "invalid" };
  }
  if (n === p) return { delta: 0, kind: "unchanged" };
  if (n > p) return { delta: n - p, kind: "increase" };
  if (max !== undefined && p >= max - (opts.wrapMargin ?? max / 10))
    return { delta: max - p + n, kind: "wrap" };
  return { delta: n, kind: "reset" };
}

/** A counter sample at `ts` (epoch ms). */
export interface CounterReading {
  ts: number;
  value: CounterValue;
}

/** A delta booked at the timestamp of the sample that revealed it. */
export interface CounterDeltaAt extends CounterDelta {
  ts: number;
}

/** Incremental state of one counter, JSON-safe (UInt64 values are kept as decimal strings). */
export interface CounterTracker {
  options: CounterOptions;
  last: number | string | null;
  lastTs: number | null;
}

export interface AdvanceCounterResult {
  deltas: CounterDeltaAt[];
  next: CounterTracker;
  /** Samples older than `prev.lastTs`, not applied: replay the stored samples around them. */
  late: CounterReading[];
}

export function createCounterTracker(options: CounterOptions): CounterTracker {
  return { options, last: null, lastTs: null };
}

const store = (v: CounterValue): number | string => (typeof v === "number" ? v : String(v));

/**
 * Apply counter samples (any order; sorted by `ts`, same `ts` in arrival order). The first sample ever
 * only sets the baseline. Invalid samples are reported (`kind: "invalid"`, delta 0) and do not move
 * the baseline. Samples older than `prev.lastTs` are returned as `late`.
 * @example
 * const r = advanceCounter(createCounterTracker({ type: "uint16" }), [{ ts: 0, value: 10 }, { ts: 1000, value: 12 }]);
 * r.deltas; // [{ ts: 1000, delta: 2, kind: "increase" }]
 */
export function advanceCounter(
  prev: CounterTracker,
  readings: readonly CounterReading[],
): AdvanceCounterResult {
  const deltas: CounterDeltaAt[] = [];
  const late: CounterReading[] = [];
  let { last, lastTs } = prev;
  const sorted = readings
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.ts - b.r.ts || a.i - b.i)
    .map((x) => x.r);
  for (const r of sorted) {
    if (lastTs !== null && r.ts < lastTs) {
      late.push(r);
      continue;
    }
    if (last === null) {
      if (counterDelta(r.value, r.value, prev.options).kind === "invalid") {
        deltas.push({ ts: r.ts, delta: 0, kind: "invalid" });
        continue;
      }
      last = store(r.value);
      lastTs = r.ts;
      continue;
    }
    const d = counterDelta(last, r.value, prev.options);
    deltas.push({ ts: r.ts, ...d });
    if (d.kind !== "invalid") {
      last = store(r.value);
      lastTs = r.ts;
    }
  }
  return { deltas, next: { options: prev.options, last, lastTs }, late };
}
