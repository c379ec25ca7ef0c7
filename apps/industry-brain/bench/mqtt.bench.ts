/**
 * `pnpm bench mqtt`: readings/s from simulated Sparkplug edge nodes through the local Mosquitto
 * (127.0.0.1:1883) into PostgreSQL, with 1 and with 3 `weft-brain --mqtt` processes (MQTT 5
 * shared subscriptions), counting what was lost or stored twice. Each edge node publishes DDATA
 * of 1,000 readings (one machine's part of a 5,000-reading batch), QoS 1, keeping up to 40
 * batches unconfirmed, and drains on the brain's receipts as the gateway's uplink does.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BatchReading } from "@weft/core";
import { createTestDb, type TestDb } from "@weft/db/testing";
import { EdgeNode, splitDeliveryKey, stateTopic } from "@weft/sparkplug";
import { cleanup, spawnNodeTs } from "@weft/test-processes";
import { sql } from "drizzle-orm";
import mqtt from "mqtt";
import { seedDemo } from "../src/seed/demo.ts";

const BROKER = "mqtt://127.0.0.1:1883";
const EDGES = 4;
const MACHINES = 5;
const BATCH = 5_000;
const BATCHES_PER_EDGE = Number(process.env.BENCH_MQTT_BATCHES ?? 30);
const WINDOW = 40;
const T0 = Date.now() - 6 * 3_600_000;
const BIN = fileURLToPath(new URL("../src/bin.ts", import.meta.url));

function batch(edge: number, b: number): BatchReading[] {
  const out: BatchReading[] = [];
  for (let i = 0; i < BATCH; i++) {
    const m = i % MACHINES;
    const k = b * (BATCH / MACHINES) + Math.floor(i / MACHINES);
    out.push({
      machine: `mq-${edge}-${m}`,
      point: `p${k % 5}`,
      ts: T0 + k * 100,
      value: k % 101,
      quality: "good",
    });
  }
  return out;
}

/** One simulated edge node: births, then batches in a window of unconfirmed ones. */
async function runEdge(group: string, hostId: string, gatewayId: string, edge: number): Promise<void> {
  const node = new EdgeNode(group, gatewayId);
  const c = await mqtt.connectAsync(BROKER, { protocolVersion: 5, clean: true });
  const waiting = new Map<number, Set<number>>();
  let wake: () => void = () => {};
  c.on("message", (topic, payload) => {
    if (topic.startsWith("weft/receipt/")) {
      for (const key of (JSON.parse(payload.toString()) as { stored: number[] }).stored) {
        const { batchSeq } = splitDeliveryKey(key);
        const set = waiting.get(batchSeq);
        if (set?.delete(key) && set.size === 0) waiting.delete(batchSeq);
      }
      wake();
    }
  });
  await c.subscribeAsync([`weft/receipt/${group}/${gatewayId}`], { qos: 1 });
  void hostId;
  for (const m of node.birth()) await c.publishAsync(m.topic, Buffer.from(m.payload), { qos: 1 });
  for (let b = 1; b <= BATCHES_PER_EDGE; b++) {
    while (waiting.size >= WINDOW) await new Promise<void>((r) => (wake = r));
    const msgs = node.data(b, batch(edge, b), false);
    waiting.set(b, new Set(msgs.flatMap((m) => (m.key === null ? [] : [m.key]))));
    for (const m of msgs) c.publish(m.topic, Buffer.from(m.payload), { qos: 1 });
  }
  while (waiting.size > 0) await new Promise<void>((r) => (wake = r));
  await c.endAsync();
}

async function run(brains: number): Promise<{ perS: number; lost: number; duplicated: number }> {
  const db: TestDb = await createTestDb("postgres", {
    baseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  });
  try {
    const demo = await seedDemo(db);
    const ids = demo.gateways.slice(0, EDGES).map((g) => g.gatewayId);
    const group = `bench${randomBytes(3).toString("hex")}`;
    const hostId = `brain-${group}`;
    const state = await mqtt.connectAsync(BROKER, { protocolVersion: 5 });
    let online = 0;
    state.on("message", (_t, p) => {
      if (p.toString().includes('"online":true')) online++;
    });
    await state.subscribeAsync(stateTopic(hostId), { qos: 1 });
    for (let i = 0; i < brains; i++) {
      const tree = spawnNodeTs(
        BIN,
        [
          "--port",
          "0",
          "--database-url",
          db.url as string,
          "--mqtt",
          BROKER,
          "--mqtt-group",
          group,
          ...(brains > 1 ? ["--mqtt-share", group] : []),
        ],
        {
          cwd: path.dirname(BIN),
          env: { WEFT_MQTT_HOST_ID: hostId, LOG_LEVEL: "warn" },
        },
      );
      tree.child.stderr?.on("data", (d: Buffer) => process.stderr.write(d));
    }
    while (online < brains) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    const t = performance.now();
    await Promise.all(ids.map((id, e) => runEdge(group, hostId, id, e)));
    const s = (performance.now() - t) / 1000;
    await state.endAsync();
    const expected = EDGES * BATCHES_PER_EDGE * BATCH;
    const rows = await db.query<{ n: string; d: string }>(
      sql`select count(*) as n, count(distinct (r.machine_id, r.point_key, r.ts)) as d from readings r`,
    );
    const n = Number(rows[0]?.n);
    const d = Number(rows[0]?.d);
    return { perS: Math.round(expected / s), lost: expected - d, duplicated: n - d };
  } finally {
    await cleanup();
    await db.close();
  }
}

const one = await run(1);
const three = await run(3);
const fmt = (n: number) => n.toLocaleString("en-US");
console.log(
  `\n  ${EDGES} edge nodes × ${BATCHES_PER_EDGE} batches × ${fmt(BATCH)} readings through Mosquitto into PostgreSQL`,
);
console.log(`  1 brain    ${fmt(one.perS)} readings/s   lost ${one.lost}   duplicated ${one.duplicated}`);
console.log(
  `  3 brains   ${fmt(three.perS)} readings/s   lost ${three.lost}   duplicated ${three.duplicated}`,
);
console.log(
  JSON.stringify({
    bench: "mqtt",
    readings_per_s_1: one.perS,
    readings_per_s_3: three.perS,
    lost: one.lost + three.lost,
    duplicated: one.duplicated + three.duplicated,
  }),
);
process.exit(0);
