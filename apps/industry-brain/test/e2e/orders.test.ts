import type { BatchReading } from "@weft/core";
import { describeEachDb } from "@weft/db/testing";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type BrainClient, startTestBrain, type TestBrain } from "../harness.ts";

const T0 = Date.UTC(2026, 10, 23, 0, 0, 0);
const MIN = 60_000;

/**
 * press-01 runs order J-100: 10 minutes 40 s of make-ready (setup) with 40 waste sheets, then 20 minutes
 * running 300 sheets a minute with 2 waste a minute, 0.5 kWh a minute throughout.
 */
function run(machine: string, job: string, start: number): BatchReading[] {
  const out: BatchReading[] = [];
  const r = (ts: number, point: string, signal: BatchReading["signal"], value: BatchReading["value"]) =>
    out.push({ machine, point, signal, ts, value, quality: "good" });
  r(start, "State", "state", "setup");
  r(start, "Job", "job", job);
  let total = 0;
  let reject = 0;
  for (let i = 0; i <= 30; i++) {
    const ts = start + i * MIN;
    // Make-ready ends 40 s into minute 10: that minute is mostly make-ready, so its waste is make-ready
    // waste (the ledger splits waste per minute, by the state that dominated the minute). A counter
    // delta belongs to the minute(s) between its two samples (docs/domain/kpi.md), so minutes 0–9
    // hold 10 × 4 make-ready rejects and minute 10 the first 2 running ones: 42 make-ready, 38 running.
    if (i === 10) r(ts + 40_000, "State", "state", "running");
    if (i > 0 && i <= 10) {
      total += 4;
      reject += 4;
    } else if (i > 10) {
      total += 300;
      reject += 2;
    }
    r(ts, "Total", "totalCount", total);
    r(ts, "Reject", "rejectCount", reject);
    r(ts, "Energy", "energyKwh", 100 + i * 0.5);
  }
  r(start + 30 * MIN, "State", "state", "idle");
  return out.sort((a, b) => a.ts - b.ts);
}

async function xlsxRows(file: { base64: string }): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  const bytes = Buffer.from(file.base64, "base64");
  await wb.xlsx.load(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  const rows: unknown[][] = [];
  wb.worksheets[0]?.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describeEachDb("order settlement: the job ledger per order", (db) => {
  let t: TestBrain;
  let user: BrainClient;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => T0 + 6 * 3_600_000 });
    user = await t.signedIn("enterprise-user");
    await user.orders.create.mutate({
      enterprise: "caihong-print",
      jobId: "J-100",
      customer: "台州日报社",
      plannedQty: 6000,
    });
    await user.orders.create.mutate({
      enterprise: "caihong-print",
      jobId: "J-200",
      customer: "椒江印刷厂",
      plannedQty: 500,
    });
    await t.gateway("caihong-print").ingest.push.mutate({
      gatewayId: "gw-caihong-print",
      seq: 1,
      readings: run("press-01", "J-100", T0 + 60 * MIN),
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("has no settlement line before the enterprise sets its rates", async () => {
    const l = (await user.orders.ledger.query({})).items.find((x) => x.jobId === "J-100");
    expect(l?.settlement).toBeNull();
  });

  it("links the press's job to the order, splits waste into make-ready and running, and settles", async () => {
    await user.orders.rates.set.mutate({
      enterprise: "caihong-print",
      rates: { perMachineHour: 120, perKwh: 0.8, perThousandSheets: 35, wasteAllowance: 0.01 },
    });
    const items = (await user.orders.ledger.query({ enterprise: "caihong-print" })).items;
    const l = items.find((x) => x.jobId === "J-100");
    expect(l).toMatchObject({ customer: "台州日报社", plannedQty: 6000, produced: 6040, waste: 80 });
    expect(l?.wasteMakeReady).toBe(42);
    expect(l?.wasteRunning).toBe(38);
    expect(l?.hours.setup).toBeCloseTo(640, 6);
    expect(l?.hours.running).toBeCloseTo(1160, 6);
    expect(l?.energyKwh).toBeCloseTo(15, 6);
    // 0.5 h × 120 + 15 kWh × 0.8 + 5.96 × 35 − (80 − 60) / 1000 × 35
    expect(l?.settlement).toMatchObject({
      machineTime: 60,
      energy: 12,
      sheets: 208.6,
      wasteDeduction: 0.7,
      total: 279.9,
    });
    // An order created ahead and not started yet is listed, with nothing produced.
    expect(items.find((x) => x.jobId === "J-200")).toMatchObject({
      customer: "椒江印刷厂",
      produced: 0,
      firstTs: null,
    });
  });

  it("filters by customer, machine and date", async () => {
    const ids = async (i: Parameters<BrainClient["orders"]["ledger"]["query"]>[0]) =>
      (await user.orders.ledger.query(i)).items.map((x) => x.jobId).sort();
    expect(await ids({ customer: "日报" })).toEqual(["J-100"]);
    expect(await ids({ machine: "press-02", enterprise: "caihong-print" })).toEqual([]);
    expect(await ids({ from: T0, to: T0 + 30 * MIN })).toEqual([]);
    expect(await ids({ from: T0, to: T0 + 3 * 3_600_000 })).toContain("J-100");
    await expect(user.orders.ledger.query({ from: T0, to: T0 })).rejects.toMatchObject({
      message: expect.stringContaining("ends before it starts"),
    });
  });

  it("exports the ledger to XLSX with numbers as numbers, in the chosen language", async () => {
    const file = await user.orders.export.query({ locale: "zh-CN" });
    expect(file.filename).toBe("工单台账.xlsx");
    const rows = await xlsxRows(file);
    expect(rows[0]?.slice(0, 4)).toEqual(["企业", "订单号", "客户", "计划数量"]);
    const j100 = rows.find((r) => r[1] === "J-100");
    expect(j100?.[3]).toBe(6000);
    expect(j100?.[6]).toBe(42);
    expect(j100?.at(-1)).toBe(279.9);
    const en = await xlsxRows(await user.orders.export.query({ locale: "en" }));
    expect(en[0]?.[0]).toBe("Enterprise");
  });

  it("refuses rates out of range, naming the field", async () => {
    await expect(
      user.orders.rates.set.mutate({
        enterprise: "caihong-print",
        rates: { perMachineHour: -1, perKwh: 0, perThousandSheets: 0, wasteAllowance: 2 },
      }),
    ).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
  });
});
