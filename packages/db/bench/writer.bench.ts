/**
 * Throughput of the raw ingest writer with 5,000-reading batches, on PGlite and (when DATABASE_URL
 * is set) PostgreSQL. Baseline in the same run: `insertReadings` alone (no dedupe record, no
 * transaction), so the cost of exactly-once is visible next to it. Each figure is the best of 3 rounds.
 * Last stdout line: one JSON object { "<target>.<case>": readingsPerSecond, … }.
 */

import { ingestRawBatch } from "../src/index.ts";
import type { ReadingRow } from "../src/ingest/encode.ts";
import { insertReadings } from "../src/ingest/readings.ts";
import { seedTree } from "../src/internal/seed.ts";
import { createTestDb, type DbTarget, dbTargets } from "../src/test-db.ts";

const BATCH = 5_000;
const ROUNDS = 3;
const POINTS = [
  "Speed",
  "ProductionCounter",
  "TotalCounter",
  "WasteCounter",
  "EnergyKwh",
  "DeviceStatus",
  "JobId",
];

function makeBatch(machineIds: number[], start: number): ReadingRow[] {
  const rows: ReadingRow[] = new Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    const point = POINTS[i % POINTS.length] as string;
    const value =
      point === "DeviceStatus" ? "Running" : point === "JobId" ? `J-${start % 97}` : (start + i) * 0.5;
    rows[i] = {
      machineId: machineIds[i % machineIds.length] as number,
      pointKey: point,
      ts: start + i * 10,
      value,
      quality: "good",
      signal: point === "DeviceStatus" ? "state" : null,
    };
  }
  return rows;
}

/**
 * Readings per second for `batches` batches spread over `writers` concurrent writers; best of
 * `rounds` rounds (the box may be shared, so the best round is the least disturbed one).
 */
async function measure(target: DbTarget, batches: number, writers: number, dedupe: boolean): Promise<number> {
  const h = await createTestDb(target, { max: Math.max(2, writers) });
  try {
    const tree = await seedTree(h.db, { machines: 20, gateways: writers });
    const t0 = Date.UTC(2026, 10, 23);
    await ingestRawBatch(h.db, { gatewayId: "t-gw0", seq: 1e9, rows: makeBatch(tree.machineIds, t0) }); // warm-up
    let best = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const base = round * batches;
      const work = Array.from({ length: batches }, (_, i) =>
        makeBatch(tree.machineIds, t0 + (base + i) * BATCH * 10),
      );
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = next++; i < batches; i = next++) {
            const rows = work[i] as ReadingRow[];
            if (dedupe) await ingestRawBatch(h.db, { gatewayId: `t-gw${w}`, seq: base + i, rows });
            else await insertReadings(h.db, rows);
          }
        }),
      );
      best = Math.max(best, (batches * BATCH) / ((performance.now() - started) / 1000));
    }
    return Math.round(best);
  } finally {
    await h.close();
  }
}

const results: Record<string, number> = {};
for (const target of dbTargets()) {
  const batches = target === "pglite" ? 30 : 60;
  const cases: Array<[string, number, boolean]> = [
    ["insertReadings.baseline", 1, false],
    ["ingestRawBatch.1writer", 1, true],
  ];
  if (target === "postgres") cases.push(["ingestRawBatch.4writers", 4, true]);
  for (const [name, writers, dedupe] of cases) {
    results[`${target}.${name}`] = await measure(target, batches, writers, dedupe);
  }
}
console.table(Object.entries(results).map(([name, rps]) => ({ case: name, readingsPerSec: rps })));
console.log(JSON.stringify(results));
