import { startRobotCell } from "@weft/simulators/robot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modbus } from "../../src/index.ts";

/** Honest status: a device is connected once it answers; an open socket alone is not enough. */
let cell: Awaited<ReturnType<typeof startRobotCell>>;
beforeAll(async () => {
  cell = await startRobotCell({ port: 0, seed: 2, unitId: 1 });
});
afterAll(async () => {
  await cell?.close();
});

const device = (unitId: number, area: "input" | "coil" = "input", address = 0) =>
  modbus.create({
    connection: { transport: "tcp", host: "127.0.0.1", port: cell.port },
    unitId,
    intervalMs: 50,
    timeoutMs: 150,
    retries: 0,
    points: [{ id: "a", area, address }],
  });

async function watch(c: ReturnType<typeof device>, ms: number) {
  const errors: string[] = [];
  const states = new Set<string>();
  const abort = new AbortController();
  await c.start({ sink: () => {}, signal: abort.signal });
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const s = c.status();
    states.add(s.state);
    if (s.lastError) errors.push(s.lastError.message);
    await new Promise((r) => setTimeout(r, 25));
  }
  const last = c.status();
  await c.stop();
  return { states, errors, last };
}

describe("modbus status", () => {
  it("a wrong unit id on a live TCP connection is unresponsive, never connected, and the messages name the unit id", async () => {
    const { states, errors, last } = await watch(device(7), 1500);
    expect(states.has("connected")).toBe(false);
    expect(states.has("unresponsive")).toBe(true);
    expect(last.hint).toMatch(/accepts the TCP connection but unit 7 never answers: check the unit id/);
    expect(errors).toContain(
      `tcp://127.0.0.1:${cell.port}: unit 7: no answer (timeout after 150 ms); check the unit id`,
    );
  });

  it("the right unit id is connected after its first answer", async () => {
    const again = device(1);
    expect(again.status().state).toBe("idle");
    const abort = new AbortController();
    await again.start({ sink: () => {}, signal: abort.signal });
    const t0 = Date.now();
    while (again.status().state !== "connected" && Date.now() - t0 < 3000)
      await new Promise((r) => setTimeout(r, 20));
    expect(again.status().state).toBe("connected");
    expect(again.status().counters.readings).toBeGreaterThan(0);
    await again.stop();
  });

  it("a device that answers but refuses the addresses is connected, with a hint about the area", async () => {
    const { last } = await watch(device(1, "input", 60000), 800);
    expect(last.hint).toMatch(/refuses .* \(illegal data address\): check the area/);
  });

  it("nothing listening: not connected, with a hint about host, port and firewall", async () => {
    const c = modbus.create({
      connection: { transport: "tcp", host: "127.0.0.1", port: 1 },
      unitId: 1,
      intervalMs: 50,
      timeoutMs: 150,
      points: [{ id: "a", area: "input", address: 0 }],
    });
    const { states, last } = await watch(c, 600);
    expect(states.has("connected")).toBe(false);
    expect(last.hint).toMatch(
      /nothing accepts a connection at tcp:\/\/127.0.0.1:1: check the host, the port/,
    );
  });
});
