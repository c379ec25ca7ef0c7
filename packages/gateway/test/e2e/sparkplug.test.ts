import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_DERIVE,
  parseNeuronMap,
  type RunningMqttIngest,
  startMqttIngest,
} from "@weft/industry-brain";
import { EdgeNode, parseTopic } from "@weft/sparkplug";
import { cleanup, tempDir } from "@weft/test-processes";
import { sql } from "drizzle-orm";
import mqtt from "mqtt";
import { get as tahuCodec } from "sparkplug-payload";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBrain, type TestBrain } from "./brain.ts";
import { PrivateBroker, prefilledJournal, reachable } from "./mqtt.ts";
import { GatewayProcess, sleep, waitUntil, writeConfig } from "./process.ts";

/**
 * Weft gateway → Mosquitto → Weft brain, with real processes: the brain's MQTT ingest runs on the
 * test database (PGlite, or PostgreSQL with DATABASE_URL), the gateway CLI as a child process.
 */
const BROKER = "mqtt://127.0.0.1:1883";
const haveBroker = await reachable();
const ACL = fileURLToPath(new URL("../../../../deploy/mosquitto/acl", import.meta.url));
const tahu = tahuCodec("spBv1.0");
const root = tempDir("weft-gw-sparkplug-");
const group = `t${randomBytes(4).toString("hex")}`;
const hostId = `brain-${group}`;
const T0 = Date.now() - 3_600_000;
let brain: TestBrain;
let ingest: RunningMqttIngest;

const deps = () => ({ handle: brain.db, now: Date.now, derive: DEFAULT_DERIVE });

beforeAll(async () => {
  if (!haveBroker) return;
  brain = await startTestBrain();
  const neuron = parseNeuronMap(`sources:
  - topic: /neuron/${group}/#
    gateway: gw-jinggong-robotics
    machines:
      - { node: modbus-press, group: fast, machine: neuron-press, signals: { run: state } }
      - { node: opcua-oven, machine: neuron-oven }
`);
  ingest = await startMqttIngest(deps(), { url: BROKER, hostId, groups: [group], neuron, flushMs: 10 });
  await waitUntil("the MQTT ingest connected", () => ingest.status().connected);
}, 120_000);
afterAll(async () => {
  await cleanup();
  await ingest?.close();
  await brain?.close();
});

function gatewayConfig(name: string, id: string, uplink: string, extra = ""): string {
  return writeConfig(
    path.join(root, name),
    "gateway.yaml",
    `gateway: { id: ${id}, dataDir: ./data }
uplink: { kind: sparkplug, groupId: ${group}, primaryHostId: ${hostId}, receiptTimeout: 3s, maxUploadReadings: 2000, ${uplink} }
health: { port: 0 }
${extra}
devices:
  - { id: idle-device, enabled: false, connector: modbus, connection: { transport: tcp, host: 127.0.0.1, port: 1 }, points: [{ id: x, area: holding, address: 0 }] }
`,
  );
}

async function keysOf(gatewayId: string): Promise<{ batch: number; count: number }[]> {
  const rows = await brain.db.query<{ seq: string | number; reading_count: number }>(
    sql`select seq, reading_count from ingested_batches where gateway_id = ${gatewayId} order by seq`,
  );
  return rows.map((r) => ({ batch: Math.floor(Number(r.seq) / 4096), count: Number(r.reading_count) }));
}

async function storedOnce(machines: string[]): Promise<{ total: number; maxCopies: number }> {
  let total = 0;
  let maxCopies = 0;
  for (const m of machines) {
    const keys = await brain.readingKeys(m);
    for (const n of keys.values()) {
      total += n;
      maxCopies = Math.max(maxCopies, n);
    }
  }
  return { total, maxCopies };
}

describe.skipIf(!haveBroker)("Sparkplug B over the local Mosquitto", () => {
  it("a gateway's buffer reaches the brain exactly once across its kill -9, and Tahu's decoder reads every DDATA", async () => {
    const id = "gw-jinggong-robotics";
    const machines = ["sp-a", "sp-b", "sp-c"];
    const file = gatewayConfig("kill", id, `broker: "${BROKER}"`);
    const expected = prefilledJournal(path.join(root, "kill", "data"), machines, 300, 200, T0);
    // An independent reader: Eclipse Tahu's codec on every message of the group.
    const spy = await mqtt.connectAsync(BROKER, { protocolVersion: 5 });
    const names = new Map<number, string>();
    let tahuMetrics = 0;
    const tahuKeys = new Set<string>();
    spy.on("message", (topic, payload) => {
      const t = parseTopic(topic);
      if (t?.kind !== "edge" || !tahu) return;
      const p = tahu.decodePayload(payload);
      for (const m of p.metrics ?? []) {
        const alias = Number(m.alias);
        if (t.type === "DBIRTH" && m.name) names.set(alias, m.name);
        if (t.type === "DDATA" && names.get(alias)?.startsWith("p")) {
          tahuMetrics++;
          tahuKeys.add(`${t.device}/${names.get(alias)}@${Number(m.timestamp)}`);
        }
      }
    });
    await spy.subscribeAsync(`spBv1.0/${group}/#`, { qos: 1 });
    let gw = new GatewayProcess(["run", "-c", file, "--drain", "10"]);
    await gw.waitForLog("sparkplug uplink connected");
    await waitUntil(
      "half the buffer stored",
      async () => (await storedOnce(machines)).total > expected / 3,
      60_000,
      () => gw.tail(),
    );
    gw.kill("SIGKILL");
    await gw.exited;
    gw = new GatewayProcess(["run", "-c", file, "--drain", "10"]);
    await waitUntil(
      "everything stored",
      async () => (await storedOnce(machines)).total >= expected,
      90_000,
      () => gw.tail(),
    );
    gw.kill("SIGTERM");
    expect(await gw.exited, gw.tail(8)).toBe(0);
    const stopped = (await gw.waitForLog("gateway stopped")) as unknown as {
      pendingReadings: number;
      lastSeq: number;
    };
    expect(stopped.pendingReadings).toBe(0);
    const { total, maxCopies } = await storedOnce(machines);
    expect(total).toBe(expected);
    expect(maxCopies).toBe(1);
    const keys = await keysOf(id);
    expect([...new Set(keys.map((k) => k.batch))]).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(keys.reduce((a, k) => a + k.count, 0)).toBe(expected);
    // Tahu read every DDATA reading the brain stored, point and timestamp alike.
    const pointReadings = expected - expected / 6;
    expect(tahuKeys.size).toBe(pointReadings);
    expect(tahuMetrics).toBeGreaterThanOrEqual(pointReadings);
    const sample = [...tahuKeys].slice(0, 50);
    for (const k of sample) {
      const [machine, rest] = k.split("/") as [string, string];
      expect((await brain.readingKeys(machine)).get(rest)).toBe(1);
    }
    await spy.endAsync();
  }, 240_000);

  it("an unknown alias and a seq gap make the brain ask for a rebirth; after it, the data is stored", async () => {
    const id = "gw-jinggong-robotics";
    const edge = new EdgeNode(group, id, 9);
    const c = await mqtt.connectAsync(BROKER, { protocolVersion: 5 });
    const commands: string[] = [];
    c.on("message", (topic) => commands.push(topic));
    await c.subscribeAsync(`spBv1.0/${group}/NCMD/${id}`, { qos: 1 });
    const send = async (msgs: ReturnType<EdgeNode["data"]>) => {
      for (const m of msgs) await c.publishAsync(m.topic, Buffer.from(m.payload), { qos: 1 });
    };
    const r = (ts: number) => [
      { machine: "sp-rebirth", point: "speed", ts: T0 + ts, value: ts, quality: "good" as const },
    ];
    // the brain has no birth of this session: DDATA by alias alone cannot be read
    const before = ingest.status().rebirthsRequested;
    const lost = edge.birth(); // NBIRTH never published
    expect(lost).toHaveLength(1);
    const [, ddata] = edge.data(1_000_001, r(1), false);
    await send([ddata as ReturnType<EdgeNode["data"]>[number]]);
    await waitUntil("a rebirth request", () => commands.length > 0);
    expect(ingest.status().rebirthsRequested).toBe(before + 1);
    expect(await brain.readingKeys("sp-rebirth")).toEqual(new Map());
    await sleep(2100); // the brain asks at most every 2 s per edge node
    await send(edge.birth());
    await send(edge.data(1_000_001, r(1), false));
    await waitUntil("the resent data stored", async () => (await brain.readingKeys("sp-rebirth")).size === 1);
    edge.data(1_000_002, r(2), false); // lost on the way: a seq gap
    await send(edge.data(1_000_003, r(3), false));
    await waitUntil("a rebirth request after the gap", () => commands.length > 1);
    await waitUntil(
      "data after the gap stored",
      async () => (await brain.readingKeys("sp-rebirth")).size === 2,
    );
    await c.endAsync();
  }, 60_000);

  it("Neuron uploads in tags-format and values-format become readings, once each", async () => {
    const c = await mqtt.connectAsync(BROKER, { protocolVersion: 5 });
    const ts = T0 + 5000;
    const tags = JSON.stringify({
      node: "modbus-press",
      group: "fast",
      timestamp: ts,
      tags: [
        { name: "speed", value: 42 },
        { name: "run", value: "running" },
        { name: "temp", error: 2014 },
      ],
    });
    const values = JSON.stringify({
      node: "opcua-oven",
      group: "g",
      timestamp: ts,
      values: { heat: 180.5 },
      errors: { door: 10002 },
    });
    const unmapped = JSON.stringify({ node: "other", group: "g", timestamp: ts, values: { x: 1 } });
    for (const m of [tags, tags, values, unmapped])
      await c.publishAsync(`/neuron/${group}/north/${randomBytes(2).toString("hex")}`, m, { qos: 1 });
    await waitUntil(
      "Neuron readings stored",
      async () => (await brain.readingKeys("neuron-oven")).size === 2,
    );
    await waitUntil("Neuron tags stored", async () => (await brain.readingKeys("neuron-press")).size === 3);
    const rows = await brain.db.query<{
      point_key: string;
      quality: string;
      status: string | null;
      signal: string | null;
    }>(
      sql`select r.point_key, r.quality, r.status, r.signal from readings r join machines m on m.id = r.machine_id
          where m.key in ('neuron-press', 'neuron-oven') order by 1`,
    );
    const good = rows.find((x) => x.point_key === "heat")?.quality;
    expect(rows.map((x) => [x.point_key, x.quality === good, x.status, x.signal])).toEqual([
      ["door", false, "neuron:10002", null],
      ["heat", true, null, null],
      ["run", true, null, "state"],
      ["speed", true, null, null],
      ["temp", false, "neuron:2014", null],
    ]);
    await c.endAsync();
  }, 60_000);
});

describe.skipIf(!haveBroker)("a private Mosquitto with TLS, per-gateway passwords and the ACL", () => {
  it("survives a broker kill -9 with nothing lost or duplicated; an edge node cannot speak for another", async () => {
    const dir = path.join(root, "broker");
    const fs = await import("node:fs");
    fs.mkdirSync(dir, { recursive: true });
    // Another gateway than the tests above: its delivery keys start again at batch 1.
    const id = brain.gateways.find((g) => g.gatewayId !== "gw-jinggong-robotics")?.gatewayId as string;
    const broker = await PrivateBroker.create(
      dir,
      { "weft-brain": "brain-secret", [id]: "gw-secret", intruder: "x" },
      ACL,
    );
    const tls = await startMqttIngest(deps(), {
      url: broker.url,
      hostId,
      groups: [`${group}tls`],
      username: "weft-brain",
      password: "brain-secret",
      caFile: broker.ca,
      flushMs: 10,
    });
    try {
      await waitUntil("the brain on TLS", () => tls.status().connected);
      const machines = ["tls-a", "tls-b"];
      const file = writeConfig(
        path.join(root, "tls"),
        "gateway.yaml",
        `gateway: { id: ${id}, dataDir: ./data }
uplink: { kind: sparkplug, broker: "${broker.url}", groupId: ${group}tls, primaryHostId: ${hostId}, receiptTimeout: 3s,
  username: ${id}, password: "\${GW_PASSWORD}", ca: ${JSON.stringify(broker.ca)} }
health: { port: 0 }
devices:
  - { id: idle-device, enabled: false, connector: modbus, connection: { transport: tcp, host: 127.0.0.1, port: 1 }, points: [{ id: x, area: holding, address: 0 }] }
`,
      );
      const expected = prefilledJournal(path.join(root, "tls", "data"), machines, 200, 200, T0 - 10_000_000);
      const gw = new GatewayProcess(["run", "-c", file, "--drain", "10"], { GW_PASSWORD: "gw-secret" });
      await waitUntil(
        "some stored",
        async () => (await storedOnce(machines)).total > 0,
        60_000,
        () => gw.tail(),
      );
      await broker.kill();
      await sleep(1500);
      await broker.start();
      await waitUntil(
        "everything stored",
        async () => (await storedOnce(machines)).total >= expected,
        90_000,
        () => gw.tail(),
      );
      gw.kill("SIGTERM");
      await gw.exited;
      expect(await storedOnce(machines)).toEqual({ total: expected, maxCopies: 1 });
      // The intruder's own name is its user: writing as another edge node is refused by the ACL.
      const bad = await mqtt.connectAsync(broker.url, {
        protocolVersion: 5,
        username: "intruder",
        password: "x",
        ca: fs.readFileSync(broker.ca),
      });
      const spoof = new EdgeNode(`${group}tls`, id, 77);
      for (const m of [
        ...spoof.birth(),
        ...spoof.data(
          9_999_999,
          [{ machine: "tls-spoof", point: "p", ts: T0, value: 1, quality: "good" }],
          false,
        ),
      ])
        await bad.publishAsync(m.topic, Buffer.from(m.payload), { qos: 1 }).catch(() => undefined);
      await sleep(1000);
      expect((await brain.readingKeys("tls-spoof")).size).toBe(0);
      await bad.endAsync();
    } finally {
      await tls.close();
      await broker.kill();
    }
  }, 240_000);
});
