import type { BatchReading } from "@weft/core";
import { describeEachDb } from "@weft/db/testing";
import {
  type CaseReading,
  type ConformanceCase,
  caseReadings,
  conformanceCases,
} from "@weft/kpi/conformance";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chunk, rng, shuffle } from "../fixtures/stream.ts";
import { type BrainClient, startTestBrain, type TestBrain } from "../harness.ts";

/** ±0.0005 on every KPI, as the "done when" asks. */
const TOL = 0.0005;
const MIN = 60_000;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
/** The brain's clock; one test moves it into the shift. */
let now = NOW;

/** Each case on one enterprise: a machine fed in order, one fed in batches cut at random and sent in random order. */
const PLACES = [
  { enterprise: "caihong-print", inOrder: "press-01", shuffled: "press-02", bare: "folder-01" },
  { enterprise: "dongfang-pack", inOrder: "dongfang-press-01", shuffled: "dongfang-cutter-01", bare: null },
  { enterprise: "jinggong-robotics", inOrder: "robot-cell-01", shuffled: "robot-cell-02", bare: null },
] as const;

const onMachine = (rs: readonly CaseReading[], machine: string): BatchReading[] =>
  rs.map((r) => ({ ...r, machine }));

/** Batches cut at random points (1 to 300 readings each). */
function randomCuts<T>(xs: readonly T[], seed: number): T[][] {
  const rand = rng(seed);
  const out: T[][] = [];
  for (let i = 0; i < xs.length; ) {
    const n = 1 + Math.floor(rand() * 300);
    out.push(xs.slice(i, i + n));
    i += n;
  }
  return out;
}

describeEachDb("KPI conformance end to end: ingest.push → kpi.oee", (db) => {
  let t: TestBrain;
  /** Signed in once: sign-ins are throttled. */
  let city: BrainClient;
  const cases = conformanceCases();
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => now });
    city = await t.signedIn("city-admin");
    for (const [i, c] of cases.entries()) {
      const place = PLACES[i];
      if (!place) throw new Error(`no place for case ${c.name}`);
      await city.enterprises.setCalendar.mutate({ enterprise: place.enterprise, calendar: c.calendar });
      const gw = t.gateway(place.enterprise);
      const gatewayId = `gw-${place.enterprise}`;
      let seq = 1;
      const readings = caseReadings(c);
      for (const b of chunk(onMachine(readings, place.inOrder), 250)) {
        await gw.ingest.push.mutate({ gatewayId, seq: seq++, readings: b });
      }
      for (const b of shuffle(randomCuts(onMachine(readings, place.shuffled), 7 + i), 11 + i)) {
        await gw.ingest.push.mutate({ gatewayId, seq: seq++, readings: b });
      }
      if (place.bare) {
        // The same feed with no counter width declared: the brain falls back to UInt32.
        const bare = readings.map(({ counter: _c, ...r }) => r);
        for (const b of chunk(onMachine(bare, place.bare), 250)) {
          await gw.ingest.push.mutate({ gatewayId, seq: seq++, readings: b });
        }
      }
    }
  }, 600_000);
  afterAll(async () => {
    await t?.close();
  });

  const oee = (machine: string, range: { from: number; to: number }) =>
    city.kpi.oee.query({ scope: { kind: "machine", id: machine }, range, bucket: "hour" });

  for (const [i, c] of conformanceCases().entries()) {
    const place = PLACES[i] as (typeof PLACES)[number];
    const range = { from: c.range.start, to: c.range.end };
    for (const machine of [place.inOrder, place.shuffled]) {
      it(`${c.name}: ${machine} gives the hand-worked KPIs and elements`, async () => {
        const r = await oee(machine, range);
        expect(r.calendar).toBe("calendar");
        for (const [k, want] of Object.entries(c.expected.kpis)) {
          const got = r.totals[k as keyof ConformanceCase["expected"]["kpis"]];
          expect(got, k).not.toBeNull();
          expect(Math.abs((got ?? 0) - want), k).toBeLessThanOrEqual(TOL);
        }
        for (const [k, want] of Object.entries(c.expected.elements)) {
          // Quantities to ±1 unit, times to the second.
          expect(Math.abs(r.elements[k as keyof typeof r.elements] - (want as number)), k).toBeLessThan(1);
        }
      });
    }

    it(`${c.name}: the range equals the sum of its sub-ranges, and the series sums to the totals`, async () => {
      const cut = Math.floor((range.from + range.to) / 2 / MIN) * MIN + 17 * MIN;
      const [whole, a, b] = await Promise.all([
        oee(place.shuffled, range),
        oee(place.shuffled, { from: range.from, to: cut }),
        oee(place.shuffled, { from: cut, to: range.to }),
      ]);
      for (const k of [
        "aptS",
        "adotS",
        "adetS",
        "austS",
        "pbtS",
        "pdotS",
        "pq",
        "gq",
        "sq",
        "idealS",
      ] as const) {
        expect(a.elements[k] + b.elements[k], k).toBeCloseTo(whole.elements[k], 6);
      }
      const produced = whole.series.reduce((s, p) => s + p.produced, 0);
      expect(produced).toBeCloseTo(whole.elements.pq, 6);
      // The day around the shift (hour and day rollups) equals before + shift + after (minute rollups).
      const day = { from: range.from - 8 * 3_600_000, to: range.from + 16 * 3_600_000 };
      const parts = await Promise.all([
        oee(place.shuffled, { from: day.from, to: range.from }),
        oee(place.shuffled, { from: range.to, to: day.to }),
        oee(place.shuffled, day),
      ]);
      for (const k of ["pq", "gq", "idealS", "unplannedPq"] as const) {
        const [before, after, all] = parts.map((p) => p.elements[k]);
        expect((before ?? 0) + whole.elements[k] + (after ?? 0), k).toBeCloseTo(all ?? -1, 6);
      }
      const runAll = (p: (typeof parts)[number]) => p.elements.aptS + p.elements.unplannedAptS;
      expect(
        runAll(parts[0] as (typeof parts)[number]) +
          runAll(whole) +
          runAll(parts[1] as (typeof parts)[number]),
      ).toBeCloseTo(runAll(parts[2] as (typeof parts)[number]), 6);
    });

    if (c.expected.jobs) {
      it(`${c.name}: the job ledger has each job's output, good + waste = produced`, async () => {
        const client = city;
        for (const machine of [place.inOrder, place.shuffled]) {
          const page = await client.jobs.list.query({ machine, limit: 10 });
          for (const [job, want] of Object.entries(c.expected.jobs ?? {})) {
            const got = page.items.find((j) => j.jobId === job);
            expect(got?.produced, `${machine} ${job}`).toBeCloseTo(want.produced, 6);
            expect(got?.waste, `${machine} ${job}`).toBeCloseTo(want.waste, 6);
            expect((got?.good ?? 0) + (got?.waste ?? 0)).toBeCloseTo(got?.produced ?? -1, 6);
          }
        }
      });
    }

    if (place.bare) {
      it(`${c.name}: without the declared width the wrap is read as a reset and output is lost`, async () => {
        const r = await oee(place.bare as string, range);
        expect(r.elements.pq).toBeLessThan((c.expected.elements.pq ?? 0) - 1);
      });
    }
  }

  it("a wrap implying more than the machine could make is a counter anomaly, listed and not counted", async () => {
    const t0 = Date.UTC(2026, 10, 23, 1, 0, 0);
    const machine = "senhua-cnc-01";
    const at = (min: number, value: number): BatchReading => ({
      machine,
      point: "PartCounter",
      signal: "totalCount",
      counter: { bits: 16 },
      ts: t0 + min * MIN,
      value,
      quality: "good",
    });
    const state = (min: number): BatchReading => ({
      machine,
      point: "Status",
      signal: "state",
      ts: t0 + min * MIN,
      value: "running",
      quality: "good",
    });
    const ideal: BatchReading = {
      machine,
      point: "Ideal",
      signal: "idealCycleS",
      ts: t0,
      value: 0.36,
      quality: "good",
    };
    // 1 000 → 1 100 → 60 000 → 60 100: increases, counted as the device said (59 100);
    // → 5: a wrap of 5 441 in a minute, more than 3 × 60 / 0.36 + 10 = 510: an anomaly; → 105: 100.
    const readings = [ideal, ...[0, 1, 2, 3, 4, 5].map(state)];
    readings.push(at(0, 1_000), at(1, 1_100), at(2, 60_000), at(3, 60_100), at(4, 5), at(5, 105));
    await t
      .gateway("senhua-furniture")
      .ingest.push.mutate({ gatewayId: "gw-senhua-furniture", seq: 1, readings });
    const c = city;
    const range = { from: t0, to: t0 + 10 * MIN };
    const el = await c.kpi.elements.query({ scope: { kind: "machine", id: machine }, range });
    expect(el.totals.pq).toBeCloseTo(59_200, 6);
    const a = await c.kpi.counterAnomalies.query({
      scope: { kind: "enterprise", id: "senhua-furniture" },
      range,
    });
    expect(a.total).toBe(1);
    expect(a.items.map((x) => [x.machineKey, x.pointKey, x.kind, x.delta, x.ts])).toEqual([
      [machine, "PartCounter", "wrap", 5_441, t0 + 4 * MIN],
    ]);
    expect(a.items[0]?.maxUnits).toBeCloseTo(510, 6);
  });

  it("the bucket holding now counts its elapsed part only, and the series sums to its totals", async () => {
    const c = cases[0] as ConformanceCase;
    const range = { from: c.range.start, to: c.range.end };
    now = c.range.end - 20 * MIN; // 15:40 local
    try {
      const r = await oee(PLACES[0].inOrder, range);
      const last = r.series[r.series.length - 1];
      expect(r.series).toHaveLength(8);
      expect(last?.start).toBe(c.range.end - 60 * MIN);
      // 15:00–15:40 elapsed, all of it planned busy time.
      expect(r.elements.elapsedS).toBe(8 * 3600 - 20 * 60);
      const el = await city.kpi.elements.query({
        scope: { kind: "machine", id: PLACES[0].inOrder },
        range,
        bucket: "hour",
      });
      expect(el.series[7]?.elements.elapsedS).toBe(40 * 60);
      expect(el.series[7]?.elements.pbtS).toBe(40 * 60);
      for (const k of ["elapsedS", "pbtS", "aptS", "adotS", "pq"] as const) {
        const sum = el.series.reduce((s, p) => s + p.elements[k], 0);
        expect(sum, k).toBeCloseTo(el.totals[k], 6);
      }
    } finally {
      now = NOW;
    }
  });
});
