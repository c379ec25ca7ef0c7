import { describeEachDb } from "@weft/db/testing";
import type { ShiftCalendarInput } from "@weft/kpi";
import { afterAll, beforeAll, expect, it } from "vitest";
import { backfillDemo } from "../../src/seed/backfill.ts";
import { DEMO_CALENDARS, seedDemoCalendars } from "../../src/seed/calendars.ts";
import { DEMO_ENTERPRISES } from "../../src/seed/demo-data.ts";
import { type BrainClient, startTestBrain, type TestBrain } from "../harness.ts";

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
/** Wednesday 2026-11-25 14:00 in Taizhou (UTC+8): mid-shift, so ranges reach past now. */
const NOW = Date.UTC(2026, 10, 25, 6, 0);

/** Off the hour, Monday to Friday, a break that starts off the hour too: only minute rollups fit it. */
const ODD_SHIFT: ShiftCalendarInput = {
  timeZone: "Asia/Shanghai",
  shifts: [
    {
      name: "长白班",
      days: ["mon", "tue", "wed", "thu", "fri"],
      start: "07:30",
      end: "19:15",
      breaks: [{ start: "11:45", end: "12:20" }],
    },
  ],
};

/** The demo's simulated machines (the others, such as 封边机, never send data). */
const WITH_DATA = DEMO_ENTERPRISES.flatMap((e) => e.machines.map((m) => m.key)).filter((k) =>
  /press|robot|cnc|loom/.test(k),
);

/**
 * The industry page must not contradict itself: the rankings that explain an industry's number are
 * computed with the same definition as that number (industries.summary, kpi.oee): planned time from
 * each enterprise's shift calendar (or the default one), only the elapsed part of a range, and every
 * machine of the scope counted, with data or not.
 */
describeEachDb("rankings agree with industries.summary and kpi.oee", (db) => {
  let t: TestBrain;
  let c: BrainClient;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => NOW });
    // Own calendars for some enterprises (one off the hour), the default one for the others.
    await seedDemoCalendars(db.handle, {
      "caihong-print": DEMO_CALENDARS["caihong-print"] as ShiftCalendarInput,
      "senhua-furniture": DEMO_CALENDARS["senhua-furniture"] as ShiftCalendarInput,
      "jinggong-robotics": ODD_SHIFT,
    });
    const r = await backfillDemo(db.handle, { machineKeys: WITH_DATA, days: 4, now: NOW });
    expect(r.machines).toBe(WITH_DATA.length);
    c = await t.signedIn("city-admin");
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  });

  const ranges = {
    "the page's last 7 days": { from: NOW - 7 * DAY, to: NOW },
    "an odd range reaching 6 h past now": { from: NOW - 3 * DAY - 5 * H - 17 * MIN, to: NOW + 6 * H },
  };
  const close = (got: number | null | undefined, want: number | null | undefined, what: string) => {
    if (want === null || want === undefined) expect(got ?? null, what).toBeNull();
    else {
      expect(got, what).not.toBeNull();
      expect(Math.abs((got ?? Number.NaN) - want), `${what}: ${got} vs ${want}`).toBeLessThan(1e-9);
    }
  };

  for (const [label, range] of Object.entries(ranges)) {
    it(`an industry's one enterprise ranks with the industry's OEE and 开机率 (${label})`, async () => {
      const summary = await c.industries.summary.query({ range });
      expect(summary.industries.map((i) => i.code)).toEqual(["C17", "C21", "C23", "C34"]);
      const singles: string[] = [];
      for (const ind of summary.industries) {
        for (const by of ["oee", "runningRate"] as const) {
          const list = await c.rankings.list.query({ kind: "enterprise", by, range, industry: ind.code });
          expect(
            list.items.reduce((n, i) => n + i.machines, 0),
            ind.code,
          ).toBe(ind.machines);
          if (list.items.length === 1) {
            close(list.items[0]?.value, ind[by], `${ind.code} ${by}`);
            if (by === "oee") singles.push(ind.code);
          }
          // Every industry, one enterprise or more: its machines per park are the summary's park cells.
          const parks = await c.rankings.list.query({ kind: "park", by, range, industry: ind.code });
          expect(parks.items).toHaveLength(ind.byPark.length);
          for (const p of ind.byPark) {
            close(
              parks.items.find((x) => x.id === p.parkId)?.value,
              p[by],
              `${ind.code} park ${p.parkKey} ${by}`,
            );
          }
        }
      }
      expect(singles.sort()).toEqual(["C17", "C21", "C34"]);
      // The parks ranked over everything are the summary's parks.
      const parks = await c.rankings.list.query({ kind: "park", by: "oee", range });
      for (const p of summary.parks)
        close(parks.items.find((x) => x.id === p.parkId)?.value, p.oee, p.parkKey);
    });

    it(`machines and enterprises rank with their kpi.oee, day by day too (${label})`, async () => {
      for (const kind of ["machine", "enterprise"] as const) {
        const [oee, rr] = await Promise.all(
          (["oee", "runningRate"] as const).map((by) =>
            c.rankings.list.query({ kind, by, range, limit: 200 }),
          ),
        );
        expect(oee?.items.length).toBe(
          kind === "machine" ? DEMO_ENTERPRISES.flatMap((e) => e.machines).length : DEMO_ENTERPRISES.length,
        );
        for (const item of oee?.items ?? []) {
          const k = await c.kpi.oee.query({ scope: { kind, id: item.id }, range, bucket: "day" });
          const what = `${kind} ${item.key ?? item.name}`;
          close(item.value, k.totals.oee, `${what} oee`);
          close(rr?.items.find((x) => x.id === item.id)?.value, k.totals.runningRate, `${what} 开机率`);
          expect(item.machines).toBe(k.machines);
          // Whole days (the first may start before the range in kpi.oee's series).
          expect(oee?.days.length).toBe(k.series.length);
          for (let d = 1; d < k.series.length; d++) {
            close(item.spark[d], k.series[d]?.oee, `${what} day ${d}`);
          }
        }
      }
    });

    it(`an enterprise with one machine sending data: the machine explains it (${label})`, async () => {
      const cnc = (await c.rankings.list.query({ kind: "machine", order: "worst", range, industry: "C21" }))
        .items;
      expect(cnc.map((m) => m.key)).toEqual(["senhua-cnc-01", "senhua-edge-01"]);
      // 封边机 never sent data: no OEE to show, and it ranks last, but it still counts in the enterprise.
      expect(cnc[1]?.value).toBeNull();
      const ent = await c.rankings.list.query({ kind: "enterprise", range, industry: "C21" });
      const machineOee = cnc[0]?.value ?? Number.NaN;
      // Same calendar for both machines: the enterprise's planned time is twice the machine's, its APT the same.
      close(ent.items[0]?.value, machineOee / 2, "senhua = 五轴加工中心 / 2");
      // …and that is the industry's number.
      const c21 = (await c.industries.summary.query({ range })).industries.find((i) => i.code === "C21");
      close(ent.items[0]?.value, c21?.oee, "senhua = C21");
      const rr = await c.rankings.list.query({ kind: "machine", by: "runningRate", range, industry: "C21" });
      expect(rr.items.find((m) => m.key === "senhua-edge-01")?.value).toBe(0);
    });
  }
});
