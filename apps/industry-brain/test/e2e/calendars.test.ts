import type { BatchReading, MachineState } from "@weft/core";
import { describeEachDb } from "@weft/db/testing";
import type { ShiftCalendarInput } from "@weft/kpi";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chunk } from "../fixtures/stream.ts";
import { codeOf, startTestBrain, type TestBrain } from "../harness.ts";

const H = 3_600_000;
/** Monday 2026-11-23 00:00 in Asia/Shanghai (UTC+8). */
const MON = Date.UTC(2026, 10, 22, 16, 0, 0);
const TUE = MON + 24 * H;
const WED = MON + 48 * H;

/** One 8-hour shift with a 30-minute break, Monday to Friday; Tuesday 2026-11-24 is a holiday. */
const CALENDAR: ShiftCalendarInput = {
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
};

/** `state` from `from` for `hours`, one sample per 30 s, closed by an idle sample. */
function run(machine: string, from: number, hours: number, state: MachineState = "running"): BatchReading[] {
  const out: BatchReading[] = [];
  let ts = from;
  for (; ts < from + hours * H; ts += 30_000) {
    out.push({ machine, point: "DeviceStatus", signal: "state", ts, value: state, quality: "good" });
  }
  out.push({ machine, point: "DeviceStatus", signal: "state", ts, value: "idle", quality: "good" });
  return out;
}

describeEachDb("shift calendars and planned time", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => WED + H });
    const gw = t.gateway("caihong-print");
    let seq = 1;
    // Monday 08:00-12:00 running (inside the shift); Tuesday (a holiday) 08:00-10:00 running.
    const readings = [...run("press-01", MON + 8 * H, 4), ...run("press-01", TUE + 8 * H, 2)];
    for (const b of chunk(readings, 400)) {
      await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: seq++, readings: b });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const machine = { kind: "machine", id: "press-01" } as const;
  const monday = { from: MON, to: TUE };

  it("without a calendar the built-in default plans the time, and the result says so", async () => {
    const c = await t.signedIn("enterprise-user");
    const got = await c.enterprises.getCalendar.query({ enterprise: "caihong-print" });
    expect(got.calendar).toBeNull();
    expect(got.updatedAt).toBeNull();
    const oee = await c.kpi.oee.query({ scope: machine, range: monday, bucket: "day" });
    // Default: Monday to Saturday 08:00-17:00 with a 12:00-13:00 break, in the enterprise's zone.
    expect(oee.totals.calendar).toBe("default");
    expect(oee.elements.potS).toBe(9 * 3600);
    expect(oee.elements.pdotS).toBe(3600);
    expect(oee.elements.defaultCalendarS).toBe(24 * 3600);
    expect(oee.elements.aptS).toBeCloseTo(4 * 3600, 6);
    expect(oee.totals.availability).toBeCloseTo(4 / 8, 9);
  });

  it("only a city-admin or the park's manager may set a calendar, with a valid time zone", async () => {
    const user = await t.signedIn("enterprise-user");
    expect(
      await codeOf(user.enterprises.setCalendar.mutate({ enterprise: "caihong-print", calendar: CALENDAR })),
    ).toBe("FORBIDDEN");
    const park = await t.signedIn("park-manager");
    // Another park's enterprise: not visible to this park manager.
    expect(
      await codeOf(
        park.enterprises.setCalendar.mutate({ enterprise: "senhua-furniture", calendar: CALENDAR }),
      ),
    ).toBe("NOT_FOUND");
    expect(
      await codeOf(
        park.enterprises.setCalendar.mutate({
          enterprise: "caihong-print",
          calendar: { ...CALENDAR, timeZone: "Mars/Olympus_Mons" },
        }),
      ),
    ).toBe("BAD_REQUEST");
    const city = await t.signedIn("city-admin");
    const set = await city.enterprises.setCalendar.mutate({
      enterprise: "senhua-furniture",
      calendar: CALENDAR,
    });
    expect(set.updatedAt).toBeGreaterThan(0);
    await city.enterprises.setCalendar.mutate({ enterprise: "senhua-furniture", calendar: null });
    expect(
      (await city.enterprises.getCalendar.query({ enterprise: "senhua-furniture" })).calendar,
    ).toBeNull();

    const ok = await park.enterprises.setCalendar.mutate({
      enterprise: "caihong-print",
      calendar: { ...CALENDAR, holidays: ["2026-11-24"] },
    });
    expect(ok.calendar?.holidays).toEqual(["2026-11-24"]);
    const got = await user.enterprises.getCalendar.query({ enterprise: "caihong-print" });
    expect(got.calendar?.shifts[0]?.breaks).toEqual([{ start: "12:00", end: "12:30" }]);
    expect(got.updatedAt).toBeGreaterThan(0);
    const rows = await db.handle.query<{ action: string; target: string }>(
      sql`select action, target from audit_log where action = 'enterprise.calendar.set' order by id`,
    );
    expect(rows.map((r) => r.target)).toEqual([
      "enterprise:senhua-furniture",
      "enterprise:senhua-furniture",
      "enterprise:caihong-print",
    ]);
  });

  it("availability uses PBT = 7.5 h per working day and reports calendar", async () => {
    const c = await t.signedIn("enterprise-user");
    const oee = await c.kpi.oee.query({ scope: machine, range: monday, bucket: "day" });
    expect(oee.totals.calendar).toBe("calendar");
    expect(oee.elements.potS).toBeCloseTo(8 * 3600, 6);
    expect(oee.elements.pdotS).toBeCloseTo(0.5 * 3600, 6);
    expect(oee.elements.pbtS).toBeCloseTo(7.5 * 3600, 6);
    expect(oee.totals.availability).toBeCloseTo(4 / 7.5, 9);

    // The enterprise: three machines, each with 7.5 h planned busy time.
    const ent = await c.kpi.elements.query({
      scope: { kind: "enterprise", id: "caihong-print" },
      range: monday,
    });
    expect(ent.totals.pbtS).toBeCloseTo(3 * 7.5 * 3600, 6);
  });

  it("a holiday has zero planned operation time", async () => {
    const c = await t.signedIn("enterprise-user");
    const el = await c.kpi.elements.query({ scope: machine, range: { from: MON, to: WED }, bucket: "day" });
    expect(el.series.map((p) => p.elements.potS)).toEqual([8 * 3600, 0]);
    // Running on a holiday is outside planned time: not APT, shown as running outside PBT.
    expect(el.series[1]?.elements.aptS).toBe(0);
    expect(el.series[1]?.elements.unplannedAptS).toBeCloseTo(2 * 3600, 6);
    expect(el.totals.potS).toBeCloseTo(8 * 3600, 6);
    const tue = await c.kpi.oee.query({ scope: machine, range: { from: TUE, to: WED }, bucket: "day" });
    expect(tue.elements.potS).toBe(0);
    expect(tue.totals.availability).toBeNull();
  });

  it("shift buckets follow the calendar", async () => {
    const c = await t.signedIn("enterprise-user");
    const el = await c.kpi.elements.query({ scope: machine, range: { from: MON, to: WED }, bucket: "shift" });
    expect(el.series.map((p) => [p.start, p.end, p.name])).toEqual([[MON + 8 * H, MON + 16 * H, "day"]]);
    expect(el.series[0]?.elements.aptS).toBeCloseTo(4 * 3600, 6);
    expect(el.series[0]?.elements.pbtS).toBeCloseTo(7.5 * 3600, 6);
  });

  it("a park with some calendars is partial: planned time where set, the default calendar elsewhere", async () => {
    const c = await t.signedIn("park-manager");
    const el = await c.kpi.oee.query({ scope: { kind: "park", id: "luqiao-print-park" }, range: monday });
    expect(el.totals.calendar).toBe("partial");
    const m = el.machines;
    // caihong-print: 3 machines × 8 h; the others: the default calendar's 9 h with a 1 h break.
    expect(el.elements.potS).toBeCloseTo(3 * 8 * 3600 + (m - 3) * 9 * 3600, 6);
    expect(el.elements.pdotS).toBeCloseTo(3 * 0.5 * 3600 + (m - 3) * 3600, 6);
    // The industry view plans time the same way: its figures for the park equal kpi.oee's.
    const summary = await c.industries.summary.query({ range: monday });
    const park = summary.parks.find((p) => p.parkKey === "luqiao-print-park");
    expect(park?.machines).toBe(m);
    expect(el.totals.availability).not.toBeNull();
    for (const k of ["availability", "effectiveness", "quality", "oee", "runningRate"] as const) {
      const want = el.totals[k];
      if (want === null) expect(park?.[k]).toBeNull();
      else expect(park?.[k]).toBeCloseTo(want, 9);
    }
    // Removing the calendar returns to the default one.
    await c.enterprises.setCalendar.mutate({ enterprise: "caihong-print", calendar: null });
    const none = await c.kpi.oee.query({ scope: machine, range: monday });
    expect(none.totals.calendar).toBe("default");
  });

  it("a round-the-clock calendar: the industry view (which reuses its whole-range sums) equals kpi.oee", async () => {
    const c = await t.signedIn("park-manager");
    const allDay: ShiftCalendarInput = {
      timeZone: "Asia/Shanghai",
      shifts: [
        {
          name: "24h",
          days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
          start: "00:00",
          end: "00:00",
        },
      ],
    };
    await c.enterprises.setCalendar.mutate({ enterprise: "caihong-print", calendar: allDay });
    const range = { from: MON, to: WED };
    const own = await c.kpi.oee.query({ scope: { kind: "enterprise", id: "caihong-print" }, range });
    expect(own.elements.pbtS).toBeCloseTo(3 * 48 * 3600, 6);
    expect(own.elements.aptS).toBeCloseTo(6 * 3600, 6);
    const el = await c.kpi.oee.query({ scope: { kind: "park", id: "luqiao-print-park" }, range });
    const park = (await c.industries.summary.query({ range })).parks.find(
      (p) => p.parkKey === "luqiao-print-park",
    );
    expect(el.totals.availability).not.toBeNull();
    for (const k of ["availability", "effectiveness", "quality", "oee", "runningRate"] as const) {
      const want = el.totals[k];
      if (want === null) expect(park?.[k]).toBeNull();
      else expect(park?.[k]).toBeCloseTo(want, 9);
    }
    await c.enterprises.setCalendar.mutate({ enterprise: "caihong-print", calendar: null });
  });
});
