import type { BatchReading, MachineState } from "@weft/core";
import type { HistoryProfile } from "./history-profiles.ts";

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface HistoryMachine {
  key: string;
  /** Ideal seconds per unit; a machine without one runs at one unit a minute. */
  idealCycleS: number | null;
}

export interface HistoryOptions {
  from: number;
  to: number;
  /** The enterprise's UTC offset in ms (Asia/Shanghai: +8 h); shifts are local hours. */
  offsetMs: number;
  seed: number;
  /** Counters are read this often (must stay below the brain's stale gap, 5 min by default). */
  sampleMs?: number;
}

/** One stretch of one state, with its production and power. */
export interface Segment {
  start: number;
  end: number;
  state: MachineState;
  goodPerS: number;
  rejectPerS: number;
  kw: number;
}

/** A small seedable PRNG (mulberry32): the same machine key gives the same month on every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable 32-bit seed from a machine key. */
export function seedOf(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return h >>> 0;
}

interface Window {
  start: number;
  end: number;
  /** The gap before this window is a break inside a shift (idle), not time off. */
  afterBreak: boolean;
}

/** Work windows (shifts minus breaks) overlapping [from, to), in order. */
export function workWindows(p: HistoryProfile, from: number, to: number, offsetMs: number): Window[] {
  const out: Window[] = [];
  const firstDay = Math.floor((from + offsetMs) / DAY) * DAY - offsetMs - DAY;
  for (let day = firstDay; day < to; day += DAY) {
    const weekday = new Date(day + offsetMs).getUTCDay();
    if (!p.workdays.includes(weekday)) continue;
    for (const [sh, eh] of p.shifts) {
      const cuts = p.breaks
        .flatMap(([bs, be]) => [
          [bs, be],
          [bs + 24, be + 24],
        ])
        .filter(([bs]) => (bs ?? 0) >= sh && (bs ?? 0) < eh)
        .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
      let at = sh;
      let afterBreak = false;
      for (const [bs = 0, be = 0] of [...cuts, [eh, eh]]) {
        const s = Math.max(day + at * HOUR, from);
        const e = Math.min(day + Math.min(bs, eh) * HOUR, to);
        if (e > s) out.push({ start: s, end: e, afterBreak });
        at = be;
        afterBreak = true;
      }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * A machine's month as state segments: inside each work window, jobs follow one another (setup,
 * then running until the job's units are made), running is broken by microstops and breakdowns;
 * breaks idle, time off idles or goes offline as the profile says. Pure: same inputs, same month.
 */
export function historySegments(
  p: HistoryProfile,
  m: HistoryMachine,
  o: HistoryOptions,
): {
  segments: Segment[];
  jobs: { ts: number; id: string }[];
} {
  const rnd = prng(o.seed);
  const between = (r: readonly [number, number]) => r[0] + (r[1] - r[0]) * rnd();
  const idealPerS = 1 / (m.idealCycleS ?? 60);
  const segments: Segment[] = [];
  const jobs: { ts: number; id: string }[] = [];
  const push = (start: number, end: number, state: MachineState, goodPerS = 0, rejectPerS = 0) => {
    if (end <= start) return;
    const kw = state === "offline" ? 0 : p.kw[state];
    const last = segments[segments.length - 1];
    if (last && last.state === state && last.end === start && last.goodPerS === goodPerS) last.end = end;
    else segments.push({ start, end, state, goodPerS, rejectPerS, kw });
  };
  let jobNo = 0;
  let setupLeft = 0;
  let unitsLeft = 0;
  let downLeft = 0;
  let wastePerS = 0;
  const newJob = (ts: number) => {
    jobNo += 1;
    jobs.push({ ts, id: `${m.key.toUpperCase()}-H${String(jobNo).padStart(4, "0")}` });
    setupLeft = between(p.setupMin) * MIN;
    unitsLeft = Math.round(between(p.jobUnits));
    wastePerS = between(p.setupWaste) / (setupLeft / 1000);
  };
  let t = o.from;
  for (const w of workWindows(p, o.from, o.to, o.offsetMs)) {
    push(t, w.start, w.afterBreak ? "idle" : p.offShift);
    t = w.start;
    while (t < w.end) {
      if (downLeft > 0) {
        const d = Math.min(downLeft, w.end - t);
        push(t, t + d, "down");
        downLeft -= d;
        t += d;
        continue;
      }
      if (unitsLeft <= 0) newJob(t);
      if (setupLeft > 0) {
        const d = Math.min(setupLeft, w.end - t);
        push(t, t + d, "setup", 0, wastePerS);
        setupLeft -= d;
        t += d;
        continue;
      }
      const rate = idealPerS * between(p.speed);
      const toJobEnd = (unitsLeft / rate) * 1000;
      const eventRate = (p.microstopsPerHour + p.breakdownsPerHour) / HOUR;
      const toEvent = -Math.log(1 - rnd()) / eventRate;
      // A stretch runs at least a second, but never past its window: a longer one would overlap
      // the next window's segments and count the same time twice.
      const d = Math.min(Math.max(1000, Math.min(toJobEnd, toEvent)), w.end - t);
      push(t, t + d, "running", rate * (1 - p.scrap), rate * p.scrap);
      unitsLeft -= (rate * d) / 1000;
      t += d;
      if (d === toEvent && t < w.end) {
        if (rnd() < p.breakdownsPerHour / (p.microstopsPerHour + p.breakdownsPerHour)) {
          downLeft = between(p.repairMin) * MIN;
        } else {
          const stop = Math.min(10_000 + rnd() * 40_000, w.end - t);
          push(t, t + stop, "idle");
          t += stop;
        }
      }
    }
  }
  push(t, o.to, p.offShift);
  return { segments, jobs };
}

/** Gap after which the brain records a machine with no readings as offline, for history ingest. */
export const HISTORY_STALE_MS = 20 * MIN;

/**
 * The readings a device profile reporting by exception would have sent for the month: the state at
 * each change, the job id at each job start, and the counters that moved on a `sampleMs` grid (the
 * energy meter always moves while the machine is on, so it is the heartbeat). A switched-off machine sends nothing, which the brain records as offline. The grid
 * sits 1 ms before each multiple of `sampleMs`, so an hour's counters land in that hour's bucket.
 */
export function historyReadings(p: HistoryProfile, m: HistoryMachine, o: HistoryOptions): BatchReading[] {
  const sampleMs = o.sampleMs ?? 15 * MIN;
  const { segments, jobs } = historySegments(p, m, o);
  const out: BatchReading[] = [];
  const at = (ts: number, point: string, signal: BatchReading["signal"], value: number | string) =>
    out.push({ machine: m.key, point, signal, ts: Math.round(ts), value, quality: "good" });
  let good = 0;
  let reject = 0;
  let kwh = 0;
  let j = 0;
  let sentGood = -1;
  let sentReject = -1;
  const counters = (ts: number, s: Segment, energy: boolean) => {
    const dt = (ts - s.start) / 1000;
    const g = Math.floor(good + s.goodPerS * dt);
    const r = Math.floor(reject + s.rejectPerS * dt);
    if (g !== sentGood) at(ts, "good", "goodCount", g);
    if (r !== sentReject) at(ts, "reject", "rejectCount", r);
    sentGood = g;
    sentReject = r;
    if (energy) at(ts, "kwh", "energyKwh", Math.round((kwh + (s.kw * dt) / 3600) * 1000) / 1000);
  };
  segments.forEach((s, i) => {
    if (s.state !== "offline") {
      while (j < jobs.length && (jobs[j]?.ts ?? Infinity) <= s.start) {
        const job = jobs[j++];
        if (job) at(Math.max(job.ts, s.start), "job", "job", job.id);
      }
      at(s.start, "state", "state", s.state);
      const firstGrid = Math.ceil((s.start + 1) / sampleMs) * sampleMs - 1;
      for (let ts = firstGrid; ts < s.end; ts += sampleMs) counters(ts, s, true);
      // Before a switch-off the counters are read once more, so the stop is where the data ends.
      const next = segments[i + 1];
      if (next?.state === "offline") counters(s.end - 1, s, true);
    }
    const dt = (s.end - s.start) / 1000;
    good += s.goodPerS * dt;
    reject += s.rejectPerS * dt;
    kwh += (s.kw * dt) / 3600;
  });
  return out.sort((a, b) => a.ts - b.ts);
}
