import type { MachineState } from "@weft/core";
import { type ConformanceCase, counterSamples } from "./case.ts";

const MIN = 60_000;
/** 2026-11-23 (a Monday) at local hh:mm in Asia/Shanghai (UTC+8, no DST). */
const sh = (h: number, m = 0, s = 0): number => Date.UTC(2026, 10, 23, h - 8, m, s);

/** Minutes `[a, b)` as a predicate on a minute start. */
const within = (spans: ReadonlyArray<readonly [number, number]>) => (t: number) =>
  spans.some(([a, b]) => t >= a && t < b);

/**
 * The shift of issue 11, worked by hand. One press, 08:00–16:00 Asia/Shanghai with a planned break
 * 12:00–12:30, ideal cycle 0.36 s/sheet:
 * - 07:50 idle (waiting for work; 08:00–08:30 is ADOT, the 10 min before 08:00 is outside POT)
 * - 08:30 running job A, 10:30 down (a 30 min breakdown), 11:00 running
 * - 12:00 idle through the break (PDOT, not ADOT)
 * - 12:30 job B: setup 20 min, the counters reset to 0 at the job change
 * - 12:50 running to 16:00, with a 30 s stop at 14:00 (a microstop: APT, not ADET)
 * - 16:00 idle (outside POT)
 * Sheets: 150 a running minute plus one more in each of the first 300 running minutes = 370 × 150 + 300
 * = 55 800. Waste: 5 a running minute plus one more in the first 50 = 1 900. The sheet counter is a
 * UInt16 starting at 50 000: job A's 27 180 sheets wrap it once (65 535 → 0).
 * POT = 480 min, PDOT = 30, PBT = 450; APT = 120 + 60 + 190 = 370 min; AUST 20, ADET 30, ADOT 30.
 * A = 370 / 450 = 0.822222; E = 0.36 × 55 800 / 22 200 s = 0.904865; Q = 53 900 / 55 800 = 0.965950;
 * OEE = 0.718667.
 */
function shanghaiShift(): ConformanceCase {
  const feed = { start: sh(7, 50), end: sh(16, 10) };
  const running = within([
    [sh(8, 30), sh(10, 30)],
    [sh(11), sh(12)],
    [sh(12, 50), sh(16)],
  ]);
  // The n-th running minute (0-based) of the day, to give the first 300 (and 50) one more unit.
  const nth = new Map<number, number>();
  for (let t = feed.start, n = 0; t < feed.end; t += MIN) if (running(t)) nth.set(t, n++);
  const sheets = (t: number) => (running(t) ? 150 + ((nth.get(t) ?? 300) < 300 ? 1 : 0) : 0);
  const waste = (t: number) => (running(t) ? 5 + ((nth.get(t) ?? 50) < 50 ? 1 : 0) : 0);
  const states: { ts: number; state: MachineState }[] = [
    { ts: sh(7, 50), state: "idle" },
    { ts: sh(8, 30), state: "running" },
    { ts: sh(10, 30), state: "down" },
    { ts: sh(11), state: "running" },
    { ts: sh(12), state: "idle" },
    { ts: sh(12, 30), state: "setup" },
    { ts: sh(12, 50), state: "running" },
    { ts: sh(14), state: "idle" },
    { ts: sh(14, 0, 30), state: "running" },
    { ts: sh(16), state: "idle" },
  ];
  return {
    name: "shift with a break, a UInt16 wrap, a job reset, a breakdown and a microstop (Asia/Shanghai)",
    story: "issue 11's hand-worked shift",
    calendar: {
      timeZone: "Asia/Shanghai",
      shifts: [
        {
          name: "day",
          days: ["mon", "tue", "wed", "thu", "fri"],
          start: "08:00",
          end: "16:00",
          breaks: [{ start: "12:00", end: "12:30" }],
        },
      ],
    },
    range: { start: sh(8), end: sh(16) },
    idealCycleS: 0.36,
    feed,
    states,
    jobs: [
      { ts: sh(7, 50), job: "A" },
      { ts: sh(12, 30), job: "B" },
    ],
    counters: [
      {
        role: "totalCount",
        point: "SheetCounter",
        counter: { bits: 16 },
        samples: counterSamples({
          feed,
          start: 50_000,
          max: 65_535,
          perMinute: sheets,
          resets: [sh(12, 30)],
        }),
      },
      {
        role: "rejectCount",
        point: "WasteCounter",
        counter: { bits: 32 },
        samples: counterSamples({
          feed,
          start: 1_000,
          max: 4_294_967_295,
          perMinute: waste,
          resets: [sh(12, 30)],
        }),
      },
    ],
    expected: {
      elements: {
        potS: 28_800,
        pdotS: 1_800,
        pbtS: 27_000,
        aptS: 22_200,
        austS: 1_200,
        adetS: 1_800,
        adotS: 1_800,
        offlineS: 0,
        pq: 55_800,
        gq: 53_900,
        sq: 1_900,
        idealS: 20_088,
        failures: 1,
        microstops: 1,
        microstopS: 30,
        unplannedAptS: 0,
        unplannedPq: 0,
      },
      kpis: { availability: 0.822222, effectiveness: 0.904865, quality: 0.96595, oee: 0.718667 },
      // Job A: 180 running minutes × 151 = 27 180 sheets, waste 50 × 6 + 130 × 5 = 950.
      // Job B: 120 × 151 + 70 × 150 = 28 620 sheets, waste 190 × 5 = 950.
      jobs: { A: { produced: 27_180, waste: 950 }, B: { produced: 28_620, waste: 950 } },
    },
  };
}

/** 2026-03-28/29 at hh:mm UTC: Europe/Berlin moves from CET (UTC+1) to CEST (UTC+2) at 01:00 UTC on the 29th. */
const utc = (day: 28 | 29, h: number, m = 0): number => Date.UTC(2026, 2, day, h, m);

/**
 * A night shift over midnight on the day Europe/Berlin springs forward. Shift 22:00–06:00 local from
 * Saturday, break 01:00–01:30 local. 22:00 CET = 21:00 UTC, 06:00 CEST = 04:00 UTC: the shift lasts
 * 7 h, not 8. The machine runs the shift, idles through the break, is down 04:00–04:30 CEST
 * (02:00–02:30 UTC). A 6-digit decimal sheet counter (max 999 999) starts at 998 000 and wraps.
 * POT = 420 min, PDOT = 30, PBT = 390; APT = 180 + 90 + 90 = 360 min, ADET 30.
 * PQ = 360 × 100 = 36 000 (no reject counter: GQ = PQ). A = 360 / 390 = 0.923077;
 * E = 0.5 × 36 000 / 21 600 s = 0.833333; Q = 1; OEE = 0.769231.
 */
function berlinNightOverDst(): ConformanceCase {
  const feed = { start: utc(28, 20, 50), end: utc(29, 4, 10) };
  const running = within([
    [utc(28, 21), utc(29, 0)],
    [utc(29, 0, 30), utc(29, 2)],
    [utc(29, 2, 30), utc(29, 4)],
  ]);
  return {
    name: "night shift over midnight on the DST change, decimal 999 999 counter (Europe/Berlin)",
    story: "spring forward: a 7 h night shift",
    calendar: {
      timeZone: "Europe/Berlin",
      shifts: [
        {
          name: "night",
          days: ["sat"],
          start: "22:00",
          end: "06:00",
          breaks: [{ start: "01:00", end: "01:30" }],
        },
      ],
    },
    range: { start: utc(28, 21), end: utc(29, 4) },
    idealCycleS: 0.5,
    feed,
    states: [
      { ts: utc(28, 20, 50), state: "idle" },
      { ts: utc(28, 21), state: "running" },
      { ts: utc(29, 0), state: "idle" },
      { ts: utc(29, 0, 30), state: "running" },
      { ts: utc(29, 2), state: "down" },
      { ts: utc(29, 2, 30), state: "running" },
      { ts: utc(29, 4), state: "idle" },
    ],
    jobs: [],
    counters: [
      {
        role: "totalCount",
        point: "SheetCounter",
        counter: { max: 999_999 },
        samples: counterSamples({
          feed,
          start: 998_000,
          max: 999_999,
          perMinute: (t) => (running(t) ? 100 : 0),
        }),
      },
    ],
    expected: {
      elements: {
        potS: 25_200,
        pdotS: 1_800,
        pbtS: 23_400,
        aptS: 21_600,
        adetS: 1_800,
        adotS: 0,
        austS: 0,
        pq: 36_000,
        gq: 36_000,
        failures: 1,
      },
      kpis: { availability: 0.923077, effectiveness: 0.833333, quality: 1, oee: 0.769231 },
    },
  };
}

/** 2026-10-24/25 at hh:mm UTC: Europe/Berlin falls back from CEST (UTC+2) to CET (UTC+1) at 01:00 UTC on the 25th. */
const oct = (day: 24 | 25, h: number, m = 0): number => Date.UTC(2026, 9, day, h, m);

/**
 * The autumn twin: a night shift 22:00–06:00 local from Saturday 2026-10-24 lasts 9 h (22:00 CEST =
 * 20:00 UTC, 06:00 CET = 05:00 UTC). Break 01:00–01:30 CEST (23:00–23:30 UTC), idle; down 04:00–04:30
 * CET (03:00–03:30 UTC); running the rest. UInt32 counters: 120 sheets a running minute, 118 good.
 * POT = 540 min, PDOT = 30, PBT = 510; APT = 540 − 30 − 30 = 480 min, ADET 30.
 * PQ = 480 × 120 = 57 600, GQ = 480 × 118 = 56 640. A = 480 / 510 = 0.941176;
 * E = 0.4 × 57 600 / 28 800 s = 0.8; Q = 56 640 / 57 600 = 0.983333; OEE = 0.740392.
 */
function berlinNightFallBack(): ConformanceCase {
  const feed = { start: oct(24, 19, 50), end: oct(25, 5, 10) };
  const running = within([
    [oct(24, 20), oct(24, 23)],
    [oct(24, 23, 30), oct(25, 3)],
    [oct(25, 3, 30), oct(25, 5)],
  ]);
  return {
    name: "night shift over the autumn DST change: 9 hours, good and total counters (Europe/Berlin)",
    story: "fall back: a 9 h night shift",
    calendar: {
      timeZone: "Europe/Berlin",
      shifts: [
        {
          name: "night",
          days: ["sat"],
          start: "22:00",
          end: "06:00",
          breaks: [{ start: "01:00", end: "01:30" }],
        },
      ],
    },
    range: { start: oct(24, 20), end: oct(25, 5) },
    idealCycleS: 0.4,
    feed,
    states: [
      { ts: oct(24, 19, 50), state: "idle" },
      { ts: oct(24, 20), state: "running" },
      { ts: oct(24, 23), state: "idle" },
      { ts: oct(24, 23, 30), state: "running" },
      { ts: oct(25, 3), state: "down" },
      { ts: oct(25, 3, 30), state: "running" },
      { ts: oct(25, 5), state: "idle" },
    ],
    jobs: [],
    counters: [
      {
        role: "totalCount",
        point: "Sheets",
        counter: { bits: 32 },
        samples: counterSamples({
          feed,
          start: 7,
          max: 4_294_967_295,
          perMinute: (t) => (running(t) ? 120 : 0),
        }),
      },
      {
        role: "goodCount",
        point: "GoodSheets",
        counter: { bits: 32 },
        samples: counterSamples({
          feed,
          start: 3,
          max: 4_294_967_295,
          perMinute: (t) => (running(t) ? 118 : 0),
        }),
      },
    ],
    expected: {
      elements: {
        potS: 32_400,
        pdotS: 1_800,
        pbtS: 30_600,
        aptS: 28_800,
        adetS: 1_800,
        adotS: 0,
        pq: 57_600,
        gq: 56_640,
        idealS: 23_040,
        failures: 1,
      },
      kpis: { availability: 0.941176, effectiveness: 0.8, quality: 0.983333, oee: 0.740392 },
    },
  };
}

/** Every hand-worked case, built fresh (callers may mutate them). */
export function conformanceCases(): ConformanceCase[] {
  return [shanghaiShift(), berlinNightOverDst(), berlinNightFallBack()];
}
