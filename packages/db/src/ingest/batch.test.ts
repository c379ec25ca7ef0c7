import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { createDb } from "../client.ts";
import { queryRows } from "../internal/rows.ts";
import type { SeededTree } from "../internal/seed.ts";
import { describeEachDb, seedTree } from "../testing.ts";
import { gatewaySeqState, ingestRawBatch, recordBatch } from "./batch.ts";
import type { ReadingRow } from "./encode.ts";

const T0 = Date.UTC(2026, 10, 23, 8);

function rowsFor(machineId: number, n: number, start = T0): ReadingRow[] {
  return Array.from({ length: n }, (_, i) => ({
    machineId,
    pointKey: `p${i % 5}`,
    ts: start + i * 1000,
    value: i,
    quality: "good" as const,
  }));
}

describeEachDb("ingestRawBatch", (ctx) => {
  let tree: SeededTree;
  let m: number;
  let gw: string;
  const count = async () =>
    (await ctx.handle.query<{ n: number }>(sql`select count(*)::int as n from readings`))[0]?.n ?? -1;

  beforeAll(async () => {
    tree = await seedTree(ctx.db, { gateways: 2 });
    m = tree.machineIds[0] as number;
    gw = tree.gatewayIds[0] as string;
  });

  it("stores a batch once; a replay inserts nothing and says duplicate", async () => {
    const rows = rowsFor(m, 250);
    expect(await ingestRawBatch(ctx.db, { gatewayId: gw, seq: 1, rows })).toEqual({
      duplicate: false,
      inserted: 250,
      duplicateParts: [],
    });
    expect(await ingestRawBatch(ctx.db, { gatewayId: gw, seq: 1, rows })).toEqual({
      duplicate: true,
      inserted: 0,
      duplicateParts: [1],
    });
    expect(await count()).toBe(250);
    const [g] = await ctx.handle.query<{ last_seq: string | number; seen: boolean }>(
      sql`select last_seq, last_seen_at is not null as seen from gateways where id = ${gw}`,
    );
    expect(Number(g?.last_seq)).toBe(1);
    expect(g?.seen).toBe(true);
  });

  it("dedupes per gateway: the same seq from another gateway is a new batch", async () => {
    const other = tree.gatewayIds[1] as string;
    const before = await count();
    const r = await ingestRawBatch(ctx.db, { gatewayId: other, seq: 1, rows: rowsFor(m, 10) });
    expect(r.duplicate).toBe(false);
    expect(await count()).toBe(before + 10);
  });

  it("rolls back the dedupe record when the derived writes fail", async () => {
    const before = await count();
    await expect(
      ingestRawBatch(
        ctx.db,
        { gatewayId: gw, seq: 2, rows: rowsFor(m, 5) },
        {
          afterInsert: async () => {
            throw new Error("boom");
          },
        },
      ),
    ).rejects.toThrow("boom");
    expect(await count()).toBe(before);
    expect(await recordBatch(ctx.db, gw, 2, 5)).toBe(true); // seq 2 was not recorded
  });

  it("runs afterInsert in the same transaction", async () => {
    let seen = -1;
    await ingestRawBatch(
      ctx.db,
      { gatewayId: gw, seq: 3, rows: rowsFor(m, 7) },
      {
        afterInsert: async (tx) => {
          const [r] = await queryRows<{ n: number }>(
            tx,
            sql`select count(*)::int as n from ingested_batches where seq = 3`,
          );
          seen = r?.n ?? -1;
        },
      },
    );
    expect(seen).toBe(1);
  });

  it("uses the multi-chunk path for batches larger than chunkSize, with the same guarantees", async () => {
    const before = await count();
    const rows = rowsFor(m, 1234, T0 + 2 * 86_400_000);
    expect(await ingestRawBatch(ctx.db, { gatewayId: gw, seq: 20, rows }, { chunkSize: 100 })).toEqual({
      duplicate: false,
      inserted: 1234,
      duplicateParts: [],
    });
    expect(await ingestRawBatch(ctx.db, { gatewayId: gw, seq: 20, rows }, { chunkSize: 100 })).toEqual({
      duplicate: true,
      inserted: 0,
      duplicateParts: [20],
    });
    expect(await count()).toBe(before + 1234);
  });

  it("stores a batch once when the same batch races on separate connections", async () => {
    const rows = rowsFor(m, 3000, T0 + 86_400_000);
    const before = await count();
    if (ctx.target === "postgres") {
      const url = ctx.handle.url as string;
      const conns = await Promise.all([createDb({ url, max: 2 }), createDb({ url, max: 2 })]);
      try {
        const results = await Promise.all(
          conns.flatMap((c) => [1, 2].map(() => ingestRawBatch(c.db, { gatewayId: gw, seq: 10, rows }))),
        );
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      } finally {
        await Promise.all(conns.map((c) => c.close()));
      }
    } else {
      const results = await Promise.all(
        [1, 2, 3].map(() => ingestRawBatch(ctx.db, { gatewayId: gw, seq: 10, rows })),
      );
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    }
    expect(await count()).toBe(before + 3000);
  });

  const d = (n: number) => new Uint8Array(16).fill(n);

  it("a replay with the same digest is a duplicate; the same seq with another digest is SEQ_CONFLICT and stores nothing", async () => {
    const before = await count();
    await ingestRawBatch(ctx.db, { gatewayId: gw, seq: 30, rows: rowsFor(m, 4), digest: d(1) });
    const again = await ingestRawBatch(ctx.db, { gatewayId: gw, seq: 30, rows: rowsFor(m, 4), digest: d(1) });
    expect(again.duplicate).toBe(true);
    const clash = ingestRawBatch(ctx.db, { gatewayId: gw, seq: 30, rows: rowsFor(m, 6), digest: d(2) });
    await expect(clash).rejects.toMatchObject({
      code: "SEQ_CONFLICT",
      details: { seq: 30, lastSeq: 30 },
    });
    expect(await count()).toBe(before + 4);
  });

  it("dedupes each part of a merged upload on its own and stores only the new parts' rows", async () => {
    const before = await count();
    const rowsA = rowsFor(m, 3, T0 + 3 * 86_400_000);
    const rowsB = rowsFor(m, 5, T0 + 3 * 86_400_000 + 10_000);
    await ingestRawBatch(ctx.db, { gatewayId: gw, seq: 40, rows: rowsA, digest: d(40) });
    let freshSeen: number[] = [];
    const r = await ingestRawBatch(
      ctx.db,
      {
        gatewayId: gw,
        seq: 40,
        rows: [...rowsA, ...rowsB],
        parts: [
          { seq: 40, count: 3, digest: d(40) },
          { seq: 41, count: 5, digest: d(41) },
        ],
      },
      {
        rowsOfParts: (fresh) => (fresh.has(41) ? rowsB : []),
        afterInsert: async (_tx, fresh) => {
          freshSeen = [...fresh];
        },
      },
    );
    expect(r).toEqual({ duplicate: false, inserted: 5, duplicateParts: [40] });
    expect(freshSeen).toEqual([41]);
    expect(await count()).toBe(before + 8);
  });

  it("refuses a merged upload whole when one part clashes", async () => {
    const before = await count();
    const rows = rowsFor(m, 4, T0 + 4 * 86_400_000);
    await expect(
      ingestRawBatch(
        ctx.db,
        {
          gatewayId: gw,
          seq: 50,
          rows,
          parts: [
            { seq: 50, count: 2, digest: d(50) },
            { seq: 41, count: 2, digest: d(99) },
          ],
        },
        { rowsOfParts: () => rows },
      ),
    ).rejects.toMatchObject({ code: "SEQ_CONFLICT", details: { seq: 41 } });
    expect(await count()).toBe(before);
    const state = await gatewaySeqState(ctx.db, gw, { after: 39, upTo: 50 });
    expect(state.batches).toEqual([
      { seq: 40, readings: 3 },
      { seq: 41, readings: 5 },
    ]);
  });
});
