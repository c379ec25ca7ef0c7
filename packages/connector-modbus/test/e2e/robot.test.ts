import { collectReadings, waitFor } from "@weft/connector-sdk/testing";
import { loadRobotDeviceFile, type RobotCell, startRobotCell } from "@weft/simulators/robot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatProbe, modbus, probe } from "../../src/index.ts";

const device = loadRobotDeviceFile();
let cell: RobotCell;
beforeAll(async () => {
  cell = await startRobotCell({ port: 0, seed: 1, speed: 600 });
});
afterAll(() => cell.close());
const tcp = () => ({ transport: "tcp", host: "127.0.0.1", port: cell.port });

describe("robot cell over real Modbus TCP", () => {
  it("reads the published device file as it is, with values matching the simulator", async () => {
    const c = modbus.create({ ...device, connection: tcp() });
    const readings = await c.readOnce();
    const byId = new Map(readings.map((r) => [r.point, r]));
    const s = cell.snapshot();
    expect(readings.every((r) => r.quality === "good")).toBe(true);
    expect(byId.get("robot_mode")?.value).toBe(1);
    expect(byId.get("ideal_cycle_time")?.value).toBe(12);
    expect(byId.get("joint1_temp")?.value).toBeCloseTo(Math.round(s.jointTempsC[0] ?? 0) / 1, 0);
    const counter = byId.get("cycle_counter")?.value;
    expect(typeof counter).toBe("number");
    expect(Math.abs(Number(counter) - s.cycleCounter)).toBeLessThan(5);
    expect(Number(byId.get("energy")?.value)).toBeGreaterThan(1000);
    // Device file: 4 poll requests for 18 points (coils, discrete, holding, input), plus the slow group.
    expect(c.plan().reduce((n, g) => n + g.blocks.length, 0)).toBe(5);
  });

  it("a word-swapped counter decodes with order CDAB", async () => {
    const swapped = await startRobotCell({ port: 0, seed: 1, counterWordOrder: "little" });
    try {
      const point = { id: "cycle_counter", area: "input", address: 2, type: "uint32" };
      const connection = { transport: "tcp", host: "127.0.0.1", port: swapped.port };
      const right = await modbus
        .create({ connection, points: [{ ...point, wordOrder: "little" }] })
        .readOnce();
      expect(right[0]?.value).toBe(swapped.snapshot().cycleCounter);
      const wrong = await modbus.create({ connection, points: [point] }).readOnce();
      expect(wrong[0]?.value).not.toBe(swapped.snapshot().cycleCounter);
    } finally {
      await swapped.close();
    }
  });

  it("an illegal address marks only that point bad, splits the block, keeps the rest polling", async () => {
    const points = [
      { id: "error_code", area: "input", address: 0 },
      { id: "ghost", area: "input", address: 17 },
      { id: "cycle_time", area: "input", address: 4, type: "float32" },
      { id: "energy", area: "input", address: 12, type: "float32" },
    ];
    const c = modbus.create({ connection: tcp(), intervalMs: 50, points });
    expect(c.plan()[0]?.blocks).toHaveLength(1);
    const col = collectReadings();
    const abort = new AbortController();
    await c.start({ sink: col.sink, signal: abort.signal });
    try {
      await waitFor("three polls", () => col.readings.filter((r) => r.point === "energy").length >= 3, 3000);
      const ghost = col.readings.filter((r) => r.point === "ghost");
      expect(
        ghost.every((r) => r.quality === "bad" && r.status?.startsWith("modbus:2 Illegal data address")),
      ).toBe(true);
      expect(ghost[0]?.status).toContain("(0-based)");
      for (const id of ["error_code", "cycle_time", "energy"]) {
        expect(col.readings.filter((r) => r.point === id).every((r) => r.quality === "good")).toBe(true);
      }
      // The plan now isolates the bad address in its own block.
      const blocks = c.plan()[0]?.blocks.map((b) => [b.block.start, b.block.count]);
      expect(blocks).toContainEqual([17, 1]);
    } finally {
      await c.stop();
    }
  });

  it("writes coils and registers with type encoding, and the robot reacts", async () => {
    const c = modbus.create({ ...device, connection: tcp() });
    await c.write("paused", true);
    await c.write("program_number", 42);
    const r = new Map((await c.readOnce()).map((x) => [x.point, x.value]));
    expect(r.get("paused")).toBe(true);
    expect(r.get("robot_state")).toBe(2);
    expect(r.get("program_number")).toBe(42);
    await c.write("paused", false);
    await expect(c.write("energy", 1)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(c.write("program_number", 70000)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("1-based addressing reads the same registers and shows the base in messages", async () => {
    const c = modbus.create({
      connection: tcp(),
      addressBase: 1,
      points: [
        { id: "robot_mode", area: "holding", address: 1 },
        { id: "ghost", area: "holding", address: 10 },
      ],
    });
    const r = await c.readOnce();
    expect(r.find((x) => x.point === "robot_mode")?.value).toBe(1);
    expect(r.find((x) => x.point === "ghost")?.status).toContain("holding 10..10 (1-based)");
  });

  it("probe shows every type and all four 32-bit orders side by side", async () => {
    const result = await probe(tcp(), "input", 12, 4);
    expect(result.registers).toHaveLength(4);
    const pair = result.pairs[0];
    expect(pair?.float32.ABCD).toBeCloseTo(cell.snapshot().energyKwh, 0);
    expect(Object.keys(pair?.float32 ?? {})).toEqual(["ABCD", "CDAB", "BADC", "DCBA"]);
    expect(result.pairs[2]?.float32.ABCD).toBe(12);
    expect(result.quads).toHaveLength(1);
    expect(Object.keys(result.quads[0]?.float64 ?? {})).toEqual(["ABCD", "CDAB", "BADC", "DCBA"]);
    const bits = await probe(tcp(), "discrete", 0, 1);
    expect(bits.bits).toEqual([cell.snapshot().emergencyStop]);
    const text = formatProbe(result);
    expect(text).toContain("CDAB");
    expect(text).toContain("(0-based addresses)");
  });
});
