import { join } from "node:path";
import { createInterface } from "node:readline";
import { isWeftError } from "@weft/core";
import type { PressServer } from "@weft/simulators/press";
import { cleanup, spawnNodeTs } from "@weft/test-processes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discover, type OpcuaConnector, opcuaConnector } from "../../src/index.ts";
import { collector, startSim, tempDir, until } from "./helpers.ts";

let sim: PressServer;
let dir: Awaited<ReturnType<typeof tempDir>>;
let pki: { folder: string; acceptUnknownServerCertificate: boolean };

beforeAll(async () => {
  dir = await tempDir("weft-opcua-conn-");
  // a printing line of 2 presses; the server allows only 4 monitored items per subscription.
  // No faults of their own: at 600× a press jammed every ~12 s of wall time, so whether the test's
  // InjectFault found it up (true) or already down (false) was a race.
  sim = await startSim({
    presses: 2,
    speed: 600,
    tuning: { jamMtbfS: 1e12, breakdownMtbfS: 1e12 },
    limits: { maxMonitoredItemsPerSubscription: 4 },
    pkiFolder: join(dir.path, "server"),
  });
  pki = { folder: join(dir.path, "client"), acceptUnknownServerCertificate: true };
});
afterAll(async () => {
  await cleanup();
  await sim?.close();
  await dir?.remove();
});

const VARS = [
  "Speed",
  "DeviceStatus",
  "TotalProductionCounter",
  "EnergyKwh",
  "JobId",
  "Diagnostics.UptimeMs",
];

function make(extra: Record<string, unknown> = {}, endpointUrl = sim.endpointUrl): OpcuaConnector {
  return opcuaConnector.create({
    endpointUrl,
    pki,
    heartbeatIntervalMs: 300,
    reconnect: { initialDelayMs: 200, maxDelayMs: 1000 },
    acquisition: { publishingIntervalMs: 200, samplingIntervalMs: 100 },
    points: [1, 2].flatMap((n) => VARS.map((v) => ({ id: `p${n}.${v}`, nodeId: `ns=1;s=Press${n}.${v}` }))),
    ...extra,
  }) as OpcuaConnector;
}

describe("subscriptions against the press simulator", () => {
  it("shards 12 items + heartbeat over subscriptions of ≤ 4 items, and a BadNodeId leaves the others working", async () => {
    const c = make({
      points: [
        ...[1, 2].flatMap((n) => VARS.map((v) => ({ id: `p${n}.${v}`, nodeId: `ns=1;s=Press${n}.${v}` }))),
        { id: "missing", nodeId: "ns=1;s=Press9.Speed" },
      ],
    });
    const col = collector();
    await c.start(col);
    try {
      await until("good values of every valid point", () =>
        [1, 2].every((n) => VARS.every((v) => col.of(`p${n}.${v}`).some((r) => r.quality === "good"))),
      );
      expect(col.of("missing")).toEqual([
        expect.objectContaining({ quality: "bad", status: "BadNodeIdUnknown", value: null }),
      ]);
      const st = c.status();
      expect(st.acquisition).toBe("subscribe");
      expect(st.subscriptions).toBeGreaterThanOrEqual(4); // 14 items at ≤ 4 per subscription
      // values keep changing: the energy meter is monotonic and exact 64-bit counters are strings
      await until("energy to advance", () => col.of("p1.EnergyKwh").length >= 3);
      const energy = col.of("p1.EnergyKwh").map((r) => r.value as number);
      expect([...energy].sort((a, b) => a - b)).toEqual(energy);
      expect(col.of("p1.Diagnostics.UptimeMs").at(-1)?.value).toMatch(/^\d+$/);
    } finally {
      await c.stop();
    }
  });

  it("shards on the client's own limits (maxNotificationsPerPublish)", async () => {
    const c = make({
      acquisition: { publishingIntervalMs: 200, samplingIntervalMs: 100, maxNotificationsPerPublish: 6 },
    });
    const col = collector();
    await c.start(col);
    try {
      await until("connected", () => c.status().state === "connected");
      // each item may change twice per publish (200/100) → 3 items per subscription
      expect(c.status().subscriptions).toBeGreaterThanOrEqual(4);
      await until(
        "values from both presses",
        () => col.of("p1.Speed").length > 0 && col.of("p2.Speed").length > 0,
      );
    } finally {
      await c.stop();
    }
  });

  it("learns an unadvertised per-subscription limit from BadTooManyMonitoredItems and re-shards", async () => {
    const hidden = await startSim({
      limits: { maxMonitoredItemsPerSubscription: 3, advertise: false },
      pkiFolder: join(dir.path, "hidden"),
    });
    const c = make(
      { points: VARS.map((v) => ({ id: v, nodeId: `ns=1;s=Press1.${v}` })) },
      hidden.endpointUrl,
    );
    const col = collector();
    await c.start(col);
    try {
      await until("good values of every point", () =>
        VARS.every((v) => col.of(v).some((r) => r.quality === "good")),
      );
      expect(col.readings.filter((r) => r.quality === "bad")).toEqual([]);
      expect(c.status().subscriptions).toBeGreaterThanOrEqual(3); // 6 items + heartbeat at ≤ 3 per subscription
      expect(c.status().acquisition).toBe("subscribe");
    } finally {
      await c.stop();
      await hidden.close();
    }
  });

  it("BadTooManySubscriptions in auto mode: what cannot be subscribed is polled", async () => {
    const tight = await startSim({
      limits: { maxMonitoredItemsPerSubscription: 4, maxSubscriptionsPerSession: 1 },
      pkiFolder: join(dir.path, "tight"),
    });
    const c = make({ points: VARS.map((v) => ({ id: v, nodeId: `ns=1;s=Press1.${v}` })) }, tight.endpointUrl);
    const col = collector();
    await c.start(col);
    try {
      await until("good values of every point", () =>
        VARS.every((v) => col.of(v).some((r) => r.quality === "good")),
      );
      const st = c.status();
      expect(st.acquisition).toBe("mixed");
      expect(st.subscriptions).toBe(1);
      expect(st.lastError?.message).toMatch(/BadTooManySubscriptions/);
    } finally {
      await c.stop();
      await tight.close();
    }
  });

  it("applies absolute and percent deadbands on the server", async () => {
    const c = make({
      points: [
        { id: "all", nodeId: "ns=1;s=Press1.EnergyKwh" },
        { id: "abs", nodeId: "ns=1;s=Press1.EnergyKwh", deadband: 1e6 },
        { id: "pct", nodeId: "ns=1;s=Press1.EnergyKwh", deadband: 50, deadbandType: "percent" }, // of the 0..1e12 EU range
        { id: "small", nodeId: "ns=1;s=Press1.EnergyKwh", deadband: 1e-9 },
      ],
    });
    const col = collector();
    await c.start(col);
    try {
      await until("energy moving", () => col.of("all").length >= 4 && col.of("small").length >= 4);
      expect(col.of("abs")).toHaveLength(1); // the first value only
      expect(col.of("pct")).toHaveLength(1);
      expect(col.readings.every((r) => r.quality === "good")).toBe(true);
    } finally {
      await c.stop();
    }
  });

  it("polls with batched Reads when asked (fallback mode)", async () => {
    const c = make({ acquisition: { mode: "poll", pollIntervalMs: 200, maxNodesPerRead: 5 } });
    const col = collector();
    await c.start(col);
    try {
      await until("two poll cycles", () => col.of("p2.JobId").length >= 2);
      expect(c.status().acquisition).toBe("poll");
      expect(c.status().counters.requests).toBeGreaterThanOrEqual(6); // 13 nodes in reads of 5 → 3 per cycle
    } finally {
      await c.stop();
    }
  });

  it("writes with the variable's type, rejects read-only points, and calls methods", async () => {
    const c = make({
      points: [
        { id: "target", nodeId: "ns=1;s=Press1.TargetSpeed" },
        { id: "speed", nodeId: "ns=1;s=Press1.Speed" },
      ],
    });
    await c.write("target", 9000);
    expect((await c.readOnce())[0]?.value).toBe(9000);
    const ro = await c.write("speed", 1).catch((e: unknown) => e);
    expect(isWeftError(ro, "DEVICE_EXCEPTION") && ro.message).toMatch(/BadNotWritable|BadUserAccessDenied/);
    const typed = await c.write("target", "fast").catch((e: unknown) => e);
    expect(isWeftError(typed, "VALIDATION_FAILED") && typed.field).toBe("points.target.value");
    const res = await c.call("ns=1;s=Press2", "ns=1;s=Press2.InjectFault", ["BreakDown"]);
    expect(res).toEqual({ status: "Good", outputs: [true] });
    expect(sim.snapshot(1).deviceStatus).toBe("Down");
    // Already down (a breakdown lasts ≥ 2 s of wall time at 600×): the method says so.
    const again = await c.call("ns=1;s=Press2", "ns=1;s=Press2.InjectFault", ["BreakDown"]);
    expect(again).toEqual({ status: "Good", outputs: [false] });
    const bad = await c.call("ns=1;s=Press2", "ns=1;s=Press2.InjectFault", ["Nonsense"]);
    expect(bad.status).toBe("BadInvalidArgument");
  });

  it("discovers the components of variables (ServerStatus.CurrentTime) and the Server object only when asked", async () => {
    const progress: number[] = [];
    const withServer = await discover(sim.endpointUrl, {
      depth: 3,
      includeServerObject: true,
      pki,
      onProgress: (p) => progress.push(p.depth),
    });
    const paths = withServer.points.map((p) => p.browsePath);
    expect(paths).toContain("Server/ServerStatus/CurrentTime");
    expect(paths).toContain("Server/ServerStatus/BuildInfo");
    expect(paths).not.toContain("Server/ServerStatus/EngineeringUnits");
    expect(progress).toEqual([1, 2, 3]);
    const without = await discover(sim.endpointUrl, { depth: 3, pki });
    expect(without.points.some((p) => p.browsePath.startsWith("Server/"))).toBe(false);
    const capped = await discover(sim.endpointUrl, {
      depth: 3,
      includeServerObject: true,
      maxNodes: 10,
      pki,
    });
    expect(capped.truncated).toBe(true);
    expect(capped.nodesVisited).toBe(10);
  });

  it("discovers points with browse path, data type, unit and access", async () => {
    const found = await discover(sim.endpointUrl, { root: "ns=1;s=Press1", depth: 3, pki });
    const byId = new Map(found.points.map((p) => [p.id, p]));
    expect(byId.get("Press1.Speed")).toMatchObject({
      nodeId: "ns=1;s=Press1.Speed",
      dataType: "Double",
      unit: "sheets/h",
      access: "read",
    });
    expect(byId.get("Press1.TargetSpeed")).toMatchObject({ access: "readwrite" });
    expect(byId.get("Press1.Identification.Manufacturer")).toMatchObject({
      dataType: "LocalizedText",
      browsePath: "Press1/Identification/Manufacturer",
    });
    expect(byId.get("Press1.Diagnostics.SpeedHistory")).toMatchObject({ valueRank: 1 });
    expect(byId.get("Press1.TotalProductionCounter")?.dataType).toBe("UInt32");
    expect([...byId.keys()].some((k) => k.includes("EURange"))).toBe(false);
    // the result is a valid connector config as is
    const c = opcuaConnector.create({ endpointUrl: sim.endpointUrl, pki, points: found.points });
    const all = await (c as OpcuaConnector).readOnce();
    expect(all.filter((r) => r.quality === "good").length).toBe(found.points.length);
  });
});

describe("bad input", () => {
  const base = { endpointUrl: "opc.tcp://localhost:4841", points: [{ id: "a", nodeId: "ns=1;s=A" }] };
  const cases: [string, Record<string, unknown>, string][] = [
    ["malformed endpoint URL", { endpointUrl: "http://localhost:4841" }, "endpointUrl"],
    ["unknown security policy", { security: { mode: "Sign", policy: "Basic512" } }, "security.policy"],
    ["policy None with Sign", { security: { mode: "Sign", policy: "None" } }, "security.policy"],
    ["nodeId that does not parse", { points: [{ id: "speed", nodeId: "ns=x;q=1" }] }, "points[0].nodeId"],
  ];
  for (const [name, patch, field] of cases) {
    it(`${name} → CONFIG_INVALID naming ${field}`, () => {
      let err: unknown;
      try {
        opcuaConnector.create({ ...base, ...patch });
      } catch (e) {
        err = e;
      }
      expect(isWeftError(err, "CONFIG_INVALID")).toBe(true);
      if (isWeftError(err)) expect(err.field).toBe(field);
    });
  }
  it("the nodeId error names the point", () => {
    expect(() => opcuaConnector.create({ ...base, points: [{ id: "speed", nodeId: "bogus" }] })).toThrow(
      /"bogus"/,
    );
  });

  it("BadTooManySessions: clear status, backoff, no busy loop, recovers when a session frees up", async () => {
    const one = await startSim({ limits: { maxSessions: 1 }, pkiFolder: join(dir.path, "one") });
    const hog = make({ points: [{ id: "s", nodeId: "ns=1;s=Press1.Speed" }] }, one.endpointUrl);
    const col0 = collector();
    await hog.start(col0);
    await until("hog connected", () => hog.status().state === "connected");
    const c = make({ points: [{ id: "s", nodeId: "ns=1;s=Press1.Speed" }] }, one.endpointUrl);
    const col = collector();
    await c.start(col);
    try {
      await until("a TooManySessions error", () =>
        c.status().lastError?.message.includes("BadTooManySessions"),
      );
      expect(col.of("s")[0]).toMatchObject({ quality: "bad", status: "BadTooManySessions" });
      const errorsAt = c.status().counters.errors;
      await new Promise((r) => setTimeout(r, 1500));
      expect(c.status().counters.errors - errorsAt).toBeLessThanOrEqual(4); // backoff 200 ms → 1 s, not a busy loop
      await hog.stop();
      await until("second client connected", () => col.of("s").some((r) => r.quality === "good"), 15_000);
    } finally {
      await c.stop();
      await hog.stop();
      await one.close();
    }
  });
});

describe("stale session", () => {
  it("a frozen server (SIGSTOP, TCP still open) is detected by the CurrentTime heartbeat; recovery after SIGCONT", async () => {
    const server = spawnNodeTs(join(import.meta.dirname, "..", "..", "bench", "counter-server.ts"), ["2"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      let endpointUrl = "";
      for await (const line of createInterface({ input: server.child.stdout as NodeJS.ReadableStream })) {
        if (line.startsWith("{")) {
          endpointUrl = (JSON.parse(line) as { endpointUrl: string }).endpointUrl;
          break;
        }
      }
      const c = make(
        { points: [{ id: "c0", nodeId: "ns=1;s=Counter.0" }], requestTimeoutMs: 2000 },
        endpointUrl,
      );
      const col = collector();
      await c.start(col);
      try {
        await until("a good value", () => col.of("c0").some((r) => r.quality === "good"));
        server.signal("SIGSTOP");
        const frozenAt = Date.now();
        await until(
          "the stale session reported",
          () => col.of("c0").some((r) => r.quality === "bad"),
          10_000,
        );
        expect(Date.now() - frozenAt).toBeLessThan(5000);
        expect(col.of("c0").find((r) => r.quality === "bad")?.status).toBe("BadNoCommunication");
        server.signal("SIGCONT");
        const back = col.readings.length;
        await until(
          "values resume",
          () => col.readings.slice(back).some((r) => r.quality === "good"),
          20_000,
        );
        expect(c.status().gaps.length).toBe(1);
      } finally {
        await c.stop();
      }
    } finally {
      server.signal("SIGCONT");
      await server.stop();
    }
  });
});

describe("server restart", () => {
  it("reconnects, values resume, and the gap is reported", async () => {
    const restartDir = join(dir.path, "restart");
    let server = await startSim({ pkiFolder: restartDir, speed: 600 });
    const port = server.port;
    const c = make(
      { points: VARS.map((v) => ({ id: v, nodeId: `ns=1;s=Press1.${v}` })) },
      server.endpointUrl,
    );
    const col = collector();
    await c.start(col);
    try {
      await until("good values", () => col.of("EnergyKwh").some((r) => r.quality === "good"));
      await server.close();
      const down = col.readings.length;
      await until("bad readings for every point", () =>
        VARS.every((v) => col.readings.slice(down).some((r) => r.point === v && r.quality === "bad")),
      );
      expect(c.status().state).toBe("reconnecting");
      await new Promise((r) => setTimeout(r, 800));
      server = await startSim({ pkiFolder: restartDir, port, speed: 600 });
      const back = col.readings.length;
      await until(
        "values resume",
        () => col.readings.slice(back).some((r) => r.point === "EnergyKwh" && r.quality === "good"),
        20_000,
      );
      const st = c.status();
      expect(st.state).toBe("connected");
      expect(st.counters.reconnects).toBeGreaterThanOrEqual(1);
      expect(st.gaps.length).toBe(1);
      const gap = st.gaps[0];
      expect((gap?.to ?? 0) - (gap?.from ?? 0)).toBeGreaterThanOrEqual(800);
      expect(gap?.estimatedMissed).toBeGreaterThan(0);
      expect(st.missed.estimatedValues).toBe(gap?.estimatedMissed);
    } finally {
      await c.stop();
      await server.close();
    }
  });
});
