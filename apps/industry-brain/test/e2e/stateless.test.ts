import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { BatchReading } from "@weft/core";
import { createTestDb, type TestDb } from "@weft/db/testing";
import { cleanup, type ProcessTree, spawnNodeTs } from "@weft/test-processes";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { counterRoles, emptyCarry, replay } from "../../src/ingest/replay.ts";
import { seedDemo } from "../../src/seed/demo.ts";
import { chunk, pressStream } from "../fixtures/stream.ts";
import { client, codeOf } from "../harness.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const T0 = Date.now() - 4 * 3_600_000;

async function startBrainProcess(url: string): Promise<{ proc: ProcessTree; url: string }> {
  const proc = spawnNodeTs(
    join(root, "src/bin.ts"),
    ["--port", "0", "--host", "127.0.0.1", "--database-url", url],
    { env: { LOG_LEVEL: "info" } },
  );
  proc.child.stderr?.resume();
  const lines = createInterface({ input: proc.child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const m = /"url":"(http:[^"]+)"/.exec(line);
    if (m?.[1]) return { proc, url: m[1] };
  }
  throw new Error("brain process exited before listening");
}

// Two brain processes need a shared server database: PGlite is embedded in one process, so this
// suite runs only when DATABASE_URL points at PostgreSQL.
describe.runIf(Boolean(process.env.DATABASE_URL))("two brain processes on one PostgreSQL", () => {
  let db: TestDb;
  const brains: { proc: ProcessTree; url: string }[] = [];
  let keys: { a: string; b: string };

  beforeAll(async () => {
    db = await createTestDb("postgres");
    const demo = await seedDemo(db);
    brains.push(await startBrainProcess(db.url ?? ""), await startBrainProcess(db.url ?? ""));
    const c = client(brains[0]?.url ?? "");
    const city = demo.users.find((u) => u.role === "city-admin");
    await c.auth.login.mutate({ email: city?.email ?? "", password: city?.password ?? "" });
    const second = await c.gateways.create.mutate({
      enterprise: "caihong-print",
      id: "gw-caihong-2",
      name: "second gateway",
    });
    keys = {
      a: demo.gateways.find((g) => g.gatewayId === "gw-caihong-print")?.apiKey ?? "",
      b: second.apiKey,
    };
  }, 120_000);

  afterAll(async () => {
    await cleanup(); // the brain processes, also when a test failed
    await db?.close();
  });

  it("stores each batch once and builds the same rollups as one replay, with every batch sent to both brains at once", async () => {
    // Gateway A: press-01; gateway B: press-02; both: folder-01, in alternating 5-minute slices.
    const shared = pressStream("folder-01", T0, 900, 5);
    const slices = chunk(shared, 60 * 5);
    const plan: Record<"a" | "b", BatchReading[][]> = {
      a: [...chunk(pressStream("press-01", T0, 900, 8), 400), ...slices.filter((_, i) => i % 2 === 0)],
      b: [...chunk(pressStream("press-02", T0, 900, 9), 400), ...slices.filter((_, i) => i % 2 === 1)],
    };
    const send = async (who: "a" | "b") => {
      const gatewayId = who === "a" ? "gw-caihong-print" : "gw-caihong-2";
      const clients = brains.map((b) => client(b.url, { apiKey: keys[who] }));
      let seq = 0;
      for (const readings of plan[who]) {
        seq++;
        const results = await Promise.all(
          clients.map((c) => c.ingest.push.mutate({ gatewayId, seq, readings })),
        );
        expect(results.filter((r) => !r.duplicate).length).toBe(1);
      }
    };
    await Promise.all([send("a"), send("b")]);

    const [n] = await db.query<{ n: number }>(sql`select count(*)::int as n from readings`);
    const sent = [...plan.a, ...plan.b].reduce((s, b) => s + b.length, 0);
    expect(Number(n?.n)).toBe(sent);
    const [batches] = await db.query<{ n: number }>(sql`select count(*)::int as n from ingested_batches`);
    expect(Number(batches?.n)).toBe(plan.a.length + plan.b.length);

    for (const [key, stream] of [
      ["press-01", pressStream("press-01", T0, 900, 8)],
      ["press-02", pressStream("press-02", T0, 900, 9)],
      ["folder-01", shared],
    ] as const) {
      const rs = stream.map((r) => ({
        ts: r.ts,
        pointKey: r.point,
        signal: r.signal ?? null,
        value: r.value,
      }));
      const oracle = replay(emptyCarry(), rs, {
        staleMs: 300_000,
        microstopMs: 60_000,
        bucketMs: 60_000,
        roles: counterRoles(emptyCarry(), rs),
      });
      const [sum] = await db.query<{ running: number; produced: number; offline: number }>(
        sql`select sum(running_s) as running, sum(produced) as produced, sum(offline_s) as offline
            from machine_minute_rollups r join machines m on m.id = r.machine_id where m.key = ${key}`,
      );
      const expected = oracle.buckets.reduce(
        (s, b) => ({
          running: s.running + b.running_s,
          produced: s.produced + b.produced,
          offline: s.offline + b.offline_s,
        }),
        {
          running: 0,
          produced: 0,
          offline: 0,
        },
      );
      expect(Number(sum?.running)).toBeCloseTo(expected.running, 4);
      expect(Number(sum?.produced)).toBeCloseTo(expected.produced, 4);
      expect(Number(sum?.offline)).toBeCloseTo(expected.offline, 4);
      const [h] = await db.query<{ produced: number }>(
        sql`select sum(produced) as produced from machine_hourly_rollups r join machines m on m.id = r.machine_id where m.key = ${key}`,
      );
      expect(Number(h?.produced)).toBeCloseTo(expected.produced, 4);
    }
  }, 120_000);

  it("counts failed logins on both processes against one limit", async () => {
    // Five attempts per address and account before the first delay (DEFAULT_LOGIN_LIMITS): five
    // wrong passwords spread over both brains use them up, so the next attempt is refused on either
    // (per-process counters would allow five more on each).
    const clients = brains.map((b) => client(b.url));
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = clients[i % 2] ?? clients[0];
      codes.push(
        await codeOf(
          c?.auth.login.mutate({ email: "nobody@weft.demo", password: `nope-${i}` }) ?? Promise.resolve(),
        ),
      );
    }
    expect(codes).toEqual(Array(5).fill("UNAUTHORIZED"));
    for (const c of clients)
      expect(await codeOf(c.auth.login.mutate({ email: "nobody@weft.demo", password: "again" }))).toBe(
        "TOO_MANY_REQUESTS",
      );
  });
});
