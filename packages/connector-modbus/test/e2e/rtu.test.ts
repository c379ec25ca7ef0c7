import { collectReadings, waitFor } from "@weft/connector-sdk/testing";
import { startRobotCell } from "@weft/simulators/robot";
import { afterEach, describe, expect, it } from "vitest";
import { modbus } from "../../src/index.ts";
import { startRtuBus } from "./fake-devices.ts";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const device = (port: number, unitId: number, id: string) =>
  modbus.create({
    connection: { transport: "rtu-over-tcp", host: "127.0.0.1", port },
    unitId,
    intervalMs: 40,
    timeoutMs: 120,
    retries: 0,
    points: [
      { id: `${id}.a`, area: "holding", address: 0 },
      { id: `${id}.b`, area: "input", address: 10, type: "int32" },
    ],
  });

async function run(c: ReturnType<typeof device>) {
  const col = collectReadings();
  await c.start({ sink: col.sink, signal: new AbortController().signal });
  cleanup.push(() => c.stop());
  return col;
}

describe("RTU over TCP", () => {
  it("reads the robot simulator over RTU framing with CRC", async () => {
    const cell = await startRobotCell({ port: 0, seed: 3, framing: "rtu", unitId: 5 });
    cleanup.push(() => cell.close());
    const r = await modbus
      .create({
        connection: { transport: "rtu-over-tcp", host: "127.0.0.1", port: cell.port },
        unitId: 5,
        points: [
          { id: "mode", area: "holding", address: 0 },
          { id: "ideal", area: "input", address: 14, type: "float32" },
          { id: "estop", area: "discrete", address: 0 },
        ],
      })
      .readOnce();
    expect(r.map((x) => [x.point, x.value, x.quality])).toEqual([
      ["estop", false, "good"],
      ["mode", 1, "good"],
      ["ideal", 12, "good"],
    ]);
  });

  it("serializes several devices on one bus; a silent device only times out itself", async () => {
    const bus = await startRtuBus([1, 2], { delayMs: 3 });
    cleanup.push(bus.close);
    const one = await run(device(bus.port, 1, "u1"));
    const two = await run(device(bus.port, 2, "u2"));
    const silent = await run(device(bus.port, 7, "u7"));
    await waitFor(
      "silent device reported bad",
      () => silent.readings.filter((r) => r.quality === "bad").length >= 6,
      4000,
    );
    await waitFor("others keep polling", () => one.readings.length >= 10 && two.readings.length >= 10, 4000);
    expect(one.readings.every((r) => r.quality === "good")).toBe(true);
    expect(two.readings.every((r) => r.quality === "good")).toBe(true);
    expect(silent.readings.every((r) => r.quality === "bad" && /timeout/.test(r.status ?? ""))).toBe(true);
    expect(one.readings.find((r) => r.point === "u1.b")?.value).toBe((11 << 16) | 12);
    expect(bus.overlapped()).toBe(false);
    expect(bus.connections()).toBe(1);
  });

  it("a CRC error makes the reading bad; the next poll is good again", async () => {
    const bus = await startRtuBus([1], { corruptCrcOn: (k) => k === 2 });
    cleanup.push(bus.close);
    const c = device(bus.port, 1, "u1");
    const col = await run(c);
    await waitFor(
      "bad then good",
      () => {
        const i = col.readings.findIndex((r) => r.quality === "bad");
        return i >= 0 && col.readings.slice(i).some((r) => r.quality === "good");
      },
      4000,
    );
    expect(col.readings.find((r) => r.quality === "bad")?.status).toMatch(/CRC/);
  });
});
