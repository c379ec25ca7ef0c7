import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chunk, pressStream, shuffle } from "../fixtures/stream.ts";
import { startTestBrain, type TestBrain } from "../harness.ts";

const T0 = Date.UTC(2026, 10, 23, 15, 30, 0);
const NOW = T0 + 3 * 3_600_000;
const SAMPLES = 600;

describeEachDb("several machines late in one batch", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => NOW });
    const gw = t.gateway("caihong-print");
    let seq = 1;
    // press-01 in order: the reference.
    for (const b of chunk(pressStream("press-01", T0, SAMPLES, 3), 250)) {
      await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: seq++, readings: b });
    }
    // press-02 and press-03: each shuffled differently, and every batch carries one chunk of each, so
    // both machines take the late path in the same batch, each from its own minute.
    const c = shuffle(chunk(pressStream("press-02", T0, SAMPLES, 3), 97), 5);
    const d = shuffle(chunk(pressStream("press-03", T0, SAMPLES, 3), 97), 23);
    for (let i = 0; i < c.length; i++) {
      const readings = [...(c[i] ?? []), ...(d[i] ?? [])];
      await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: seq++, readings });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const minutes = async (key: string) =>
    (
      await db.handle.query<{
        b: unknown;
        running_s: number;
        down_s: number;
        offline_s: number;
        produced: number;
      }>(
        sql`select extract(epoch from r.bucket) * 1000 as b, running_s, down_s, offline_s, produced
          from machine_minute_rollups r join machines m on m.id = r.machine_id where m.key = ${key} order by r.bucket`,
      )
    ).filter(
      (r) => Math.abs(r.running_s) + Math.abs(r.down_s) + Math.abs(r.offline_s) + Math.abs(r.produced) > 1e-6,
    );

  it("each machine ends with the in-order machine's minute rollups", async () => {
    const a = await minutes("press-01");
    expect(a.length).toBeGreaterThan(10);
    for (const key of ["press-02", "press-03"]) {
      const b = await minutes(key);
      expect(b.length).toBe(a.length);
      for (let i = 0; i < a.length; i++) {
        expect(Number(b[i]?.b)).toBe(Number(a[i]?.b));
        for (const k of ["running_s", "down_s", "offline_s", "produced"] as const) {
          expect(Number(b[i]?.[k])).toBeCloseTo(Number(a[i]?.[k]), 5);
        }
      }
    }
  });
});
