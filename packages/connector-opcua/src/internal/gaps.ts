import type { OpcuaConfig } from "../config.ts";

/** A gap in the data: the connection was down from `from` to `to`. */
export interface DataGap {
  from: number;
  to: number;
  points: number;
  /** Values that may have been missed: per point, gap ÷ the interval it reports at. */
  estimatedMissed: number;
}

/** Values a point list may have missed during `gapMs` (pure). */
export function estimateMissed(
  points: OpcuaConfig["points"],
  acquisition: OpcuaConfig["acquisition"],
  gapMs: number,
): number {
  let sum = 0;
  for (const p of points) {
    const every =
      acquisition.mode === "poll"
        ? acquisition.pollIntervalMs
        : Math.max(p.samplingIntervalMs ?? acquisition.samplingIntervalMs, acquisition.publishingIntervalMs);
    sum += Math.floor(Math.max(0, gapMs) / Math.max(1, every));
  }
  return sum;
}

/** Remembers when the data stopped and turns each outage into a reported gap (last 20 kept). */
export class GapTracker {
  #lostAt: number | undefined;
  readonly gaps: DataGap[] = [];
  estimatedValues = 0;

  constructor(private readonly config: Pick<OpcuaConfig, "points" | "acquisition">) {}

  get offline(): boolean {
    return this.#lostAt !== undefined;
  }

  /** The first call of an outage counts; later ones keep the start. Returns true on the first. */
  lost(now = Date.now()): boolean {
    if (this.#lostAt !== undefined) return false;
    this.#lostAt = now;
    return true;
  }

  /** Closes the outage, if any, and returns its gap. */
  restored(now = Date.now()): DataGap | undefined {
    const from = this.#lostAt;
    if (from === undefined) return undefined;
    this.#lostAt = undefined;
    const estimatedMissed = estimateMissed(this.config.points, this.config.acquisition, now - from);
    const gap: DataGap = { from, to: now, points: this.config.points.length, estimatedMissed };
    this.estimatedValues += estimatedMissed;
    this.gaps.push(gap);
    if (this.gaps.length > 20) this.gaps.shift();
    return gap;
  }
}

/** Wait for `p` (ignoring its failure) at most `ms`; leaves no timer behind. */
export async function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    p.catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
