import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDb, type TestDb } from "@weft/db/testing";
import { seedDemo } from "@weft/industry-brain";
import { cleanup, type ProcessTree, spawnNodeTs, tempDir } from "@weft/test-processes";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { prefilledJournal, reachable } from "./mqtt.ts";
import { GatewayProcess, sleep, waitUntil, writeConfig } from "./process.ts";

/**
 * Scale-out: 3 `weft-brain --mqtt --mqtt-share` processes on one PostgreSQL take the gateway's
 * DATA in turns; one is killed -9 mid-stream. Nothing lost, nothing stored twice, and every
 * machine's readings, rollups and state intervals equal those of a run with one brain.
 */
const BROKER = "mqtt://127.0.0.1:1883";
const haveBroker = await reachable();
const PG = process.env.DATABASE_URL;
const BIN = fileURLToPath(new URL("../../../../apps/industry-brain/src/bin.ts", import.meta.url));
const root = tempDir("weft-gw-share-");
const T0 = Date.now() - 5 * 3_600_000;
const MACHINES = ["sh-a", "sh-b", "sh-c", "sh-d"];
const GW = "gw-jinggong-robotics";
const dbs: TestDb[] = [];

afterAll(async () => {
  await cleanup();
  for (const db of dbs) await db.close();
});

async function runWith(brains: number, killOne: boolean): Promise<{ db: TestDb; expected: number }> {
  const db = await createTestDb("postgres");
  dbs.push(db);
  await seedDemo(db);
  const group = `sh${randomBytes(4).toString("hex")}`;
  const trees: ProcessTree[] = [];
  for (let i = 0; i < brains; i++) {
    const args = ["--port", "0", "--database-url", db.url as string, "--mqtt", BROKER, "--mqtt-group", group];
    if (brains > 1) args.push("--mqtt-share", group);
    trees.push(spawnNodeTs(BIN, args, { env: { WEFT_MQTT_HOST_ID: `h-${group}`, LOG_LEVEL: "warn" } }));
  }
  const dir = path.join(root, group);
  const expected = prefilledJournal(path.join(dir, "data"), MACHINES, 200, 500, T0);
  const file = writeConfig(
    dir,
    "gateway.yaml",
    `gateway: { id: ${GW}, dataDir: ./data }
uplink: { kind: sparkplug, broker: "${BROKER}", groupId: ${group}, primaryHostId: h-${group}, receiptTimeout: 3s, maxUploadReadings: 5000 }
health: { port: 0 }
devices:
  - { id: idle-device, enabled: false, connector: modbus, connection: { transport: tcp, host: 127.0.0.1, port: 1 }, points: [{ id: x, area: holding, address: 0 }] }
`,
  );
  await sleep(3000); // the brains start (tsx) and say online
  const gw = new GatewayProcess(["run", "-c", file, "--drain", "10"]);
  const count = async () =>
    Number((await db.query<{ n: string }>(sql`select count(*) as n from readings`))[0]?.n ?? 0);
  if (killOne) {
    await waitUntil(
      "a third stored",
      async () => (await count()) > expected / 3,
      90_000,
      () => gw.tail(),
    );
    trees[1]?.signal("SIGKILL");
  }
  await waitUntil(
    "everything stored",
    async () => (await count()) >= expected,
    120_000,
    () => gw.tail(),
  );
  gw.kill("SIGTERM");
  await gw.exited;
  for (const t of trees) t.signal("SIGTERM");
  await Promise.all(trees.map((t) => t.exited));
  return { db, expected };
}

async function perMachine(db: TestDb): Promise<unknown[]> {
  return db.query(sql`
    select m.key,
      (select count(*) from readings r where r.machine_id = m.id) as readings,
      (select count(distinct (r.point_key, r.ts)) from readings r where r.machine_id = m.id) as distinct_readings,
      (select sum(r.value_num) from readings r where r.machine_id = m.id) as value_sum,
      -- summed seconds: equal up to floating-point summation order, which depends on arrival order
      (select json_agg(json_build_array(h.bucket, round(h.running_s::numeric, 6), round(h.idle_s::numeric, 6)) order by h.bucket)
         from machine_hourly_rollups h where h.machine_id = m.id) as hourly,
      (select json_agg(json_build_array(s.state, s.start_ts) order by s.start_ts)
         from machine_state_intervals s where s.machine_id = m.id) as intervals
    from machines m where m.key in ${MACHINES} order by m.key`);
}

describe.skipIf(!haveBroker || !PG)("3 brains share the MQTT ingest ($share) on one PostgreSQL", () => {
  it("a brain killed mid-stream loses and duplicates nothing; per-machine results equal one brain's", async () => {
    const one = await runWith(1, false);
    const three = await runWith(3, true);
    const a = await perMachine(one.db);
    const b = await perMachine(three.db);
    expect(a).toHaveLength(MACHINES.length);
    const sum = (rows: unknown[]) =>
      rows.reduce((s: number, r) => s + Number((r as { readings: string }).readings), 0);
    expect(sum(a)).toBe(one.expected);
    expect(sum(b)).toBe(three.expected);
    for (const r of b as { readings: string; distinct_readings: string }[])
      expect(r.readings).toBe(r.distinct_readings);
    expect(b).toEqual(a);
  }, 400_000);
});
