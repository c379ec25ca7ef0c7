import net from "node:net";
import { cleanup, spawnNodeTs } from "@weft/test-processes";
import { afterAll, describe, expect, it } from "vitest";
import { loadRobotDeviceFile, startRobotCell } from "../../src/robot/index.ts";

const bin = new URL("../../src/bin.ts", import.meta.url).pathname;
/** `weft-sim ARGS` to its end (killed with its tree if it hangs). */
const run = (...args: string[]) => spawnNodeTs(bin, args).output();
afterAll(() => cleanup());

/** One raw Modbus TCP read (FC 3/4) over a fresh socket. */
async function readRegisters(port: number, fc: 3 | 4, address: number, count: number): Promise<Buffer> {
  const socket = net.connect(port, "127.0.0.1");
  try {
    await new Promise((r) => socket.once("connect", r));
    const frame = Buffer.from([0, 1, 0, 0, 0, 6, 1, fc, address >> 8, address & 0xff, 0, count]);
    socket.write(frame);
    return await new Promise<Buffer>((resolve) => socket.once("data", (d: Buffer) => resolve(d.subarray(7))));
  } finally {
    socket.destroy();
  }
}

describe("robot cell over Modbus TCP", () => {
  it("serves the model's registers and advances with the time factor", async () => {
    const cell = await startRobotCell({ port: 0, seed: 1, speed: 600, tickMs: 20 });
    try {
      const first = await readRegisters(cell.port, 4, 2, 2);
      await new Promise((r) => setTimeout(r, 300)); // 180 simulated seconds
      const later = await readRegisters(cell.port, 4, 2, 2);
      expect(later.readUInt32BE(2)).toBeGreaterThan(first.readUInt32BE(2));
      expect(later.readUInt32BE(2)).toBe(cell.snapshot().cycleCounter);
      const holding = await readRegisters(cell.port, 3, 0, 3);
      expect(holding.readUInt16BE(2)).toBe(1); // automatic
    } finally {
      await cell.close();
    }
  });

  it("kill() drops clients at once", async () => {
    const cell = await startRobotCell({ port: 0 });
    const socket = net.connect(cell.port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    const closed = new Promise((r) => socket.once("close", r));
    socket.on("error", () => {});
    await cell.kill();
    await closed;
  });

  it("exposes extra float32 registers for benchmarks", async () => {
    const cell = await startRobotCell({ port: 0, extraFloat32: 100 });
    try {
      const r = await readRegisters(cell.port, 4, 1000 + 2 * 7, 2);
      expect(Math.floor(r.readFloatBE(2))).toBe(7);
    } finally {
      await cell.close();
    }
  });

  it("publishes a device file whose points cover the map", () => {
    const file = loadRobotDeviceFile();
    expect(file.profile).toBe("industrial-robot");
    expect(file.points).toHaveLength(18);
  });

  it("CLI: --help and bad options", async () => {
    const help = await run("robot", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--speed <factor>");
    expect(help.stdout).toContain("--seed <seed>");
    expect((await run("robot", "--speed", "0")).code).toBe(1);
  });
});
