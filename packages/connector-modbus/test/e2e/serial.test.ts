import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { collectReadings, waitFor } from "@weft/connector-sdk/testing";
import { cleanup as cleanupProcesses, spawnTree, tempDir } from "@weft/test-processes";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { modbus } from "../../src/index.ts";
import { startRtuBus } from "./fake-devices.ts";

/**
 * Real serial RTU through a pseudo-terminal: socat joins a pty (the "serial port" the connector
 * opens with the serialport bindings) to an RTU bus simulator on TCP. Skipped only where socat is
 * not installed, because no serial hardware is available in CI.
 */
const hasSocat = (() => {
  try {
    execFileSync("socat", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasSocat) console.warn("serial RTU tests skipped: socat is not installed (apt-get install -y socat)");

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
afterAll(() => cleanupProcesses());

async function serialBus(answer: number[]) {
  const bus = await startRtuBus(answer, { delayMs: 2 });
  cleanup.push(bus.close);
  const dir = tempDir("weft-tty-");
  const tty = join(dir, "ttyV0");
  const socat = spawnTree("socat", [`pty,raw,echo=0,link=${tty}`, `tcp:127.0.0.1:${bus.port}`], {
    stdio: ["ignore", "ignore", "ignore"],
  });
  cleanup.push(async () => {
    await socat.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await waitFor("the pty", () => existsSync(tty), 5000);
  return { tty, bus };
}

describe.runIf(hasSocat)(
  hasSocat ? "serial RTU (pty via socat)" : "serial RTU (skipped: socat not installed)",
  () => {
    it("several devices on one serial port are serialized; a silent one only times out itself", async () => {
      const { tty, bus } = await serialBus([1, 2]);
      const make = (unitId: number) =>
        modbus.create({
          connection: { transport: "rtu", path: tty, baudRate: 115200 },
          unitId,
          intervalMs: 50,
          timeoutMs: 150,
          retries: 0,
          points: [
            { id: `u${unitId}.a`, area: "holding", address: 0 },
            { id: `u${unitId}.f`, area: "holding", address: 4, type: "float32", wordOrder: "little" },
          ],
        });
      const cols = [1, 2, 9].map(() => collectReadings());
      const cs = [make(1), make(2), make(9)];
      for (const [i, c] of cs.entries()) {
        const col = cols[i];
        if (!col) continue;
        await c.start({ sink: col.sink, signal: new AbortController().signal });
        cleanup.push(() => c.stop());
      }
      const [one, two, silent] = cols;
      if (!one || !two || !silent) throw new Error("collectors");
      await waitFor("silent unit bad several times", () => silent.readings.length >= 6, 5000);
      await waitFor(
        "the others keep polling",
        () => one.readings.length >= 10 && two.readings.length >= 10,
        5000,
      );
      expect(one.readings.every((r) => r.quality === "good")).toBe(true);
      expect(two.readings.every((r) => r.quality === "good")).toBe(true);
      expect(silent.readings.every((r) => r.quality === "bad" && /timeout/.test(r.status ?? ""))).toBe(true);
      expect(one.readings.find((r) => r.point === "u1.a")?.value).toBe(1);
      expect(bus.overlapped()).toBe(false);
      expect(bus.connections()).toBe(1);
    });

    it("releases the serial port on stop so it can be opened again", async () => {
      const { tty } = await serialBus([1]);
      const config = {
        connection: { transport: "rtu", path: tty },
        points: [{ id: "a", area: "holding", address: 0 }],
      };
      for (let i = 0; i < 3; i++) {
        const r = await modbus.create(config).readOnce();
        expect(r[0]).toMatchObject({ point: "a", value: 1, quality: "good" });
      }
    });
  },
);
