import { isWeftError, Reading, type ReadingValue } from "@weft/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Connector, canReadOnce, canWrite } from "../connector.ts";
import type { ConnectorFactory } from "../define.ts";
import { activeHandles, collectReadings, leakedHandles, waitFor } from "./helpers.ts";

/** A running device (or simulator) the kit can stop and kill. */
export interface ConformanceDevice {
  /** Connector config that reads this device (passed to `factory.create`). */
  config: unknown;
  /** Bring the device back at the same address after `kill()` (the kit tests reconnection). */
  restart(): Promise<void>;
  /** Abrupt disappearance: destroy every connection and stop listening. */
  kill(): Promise<void>;
  /** Graceful shutdown at the end of the suite. */
  close(): Promise<void>;
  /** Optional: open client connections as the device sees them (checked to drop to 0 after stop). */
  connections?(): number;
}

export interface InvalidConfigCase {
  /** What is wrong, for the test title. */
  name: string;
  config: unknown;
  /** The error's `field` must contain this string (e.g. `points[0].address`). */
  field: string;
}

export interface ConformanceFixture {
  /** Start the device; called once per suite. */
  startDevice(): Promise<ConformanceDevice>;
  /** Point ids the config reads; every one must produce readings. */
  pointIds: readonly string[];
  /** Broken configs; each must throw a `CONFIG_INVALID` WeftError naming the field. At least one. */
  invalidConfigs: readonly InvalidConfigCase[];
  /** For write-capable connectors: a point and a value to write and read back. */
  write?: { pointId: string; value: ReadingValue };
  /** Upper bound for one poll cycle plus reconnect backoff (default 5000 ms). */
  timeoutMs?: number;
}

/**
 * Register the Weft connector conformance suite (vitest `describe`/`it` blocks) for a
 * connector factory. Call it at the top level of a test file.
 * @example
 * runConnectorConformance(myConnector, {
 *   startDevice: async () => { const dev = await startMyDevice(0); return { config: {...}, ...dev }; },
 *   pointIds: ["temp"],
 *   invalidConfigs: [{ name: "negative interval", config: { intervalMs: -1 }, field: "intervalMs" }],
 * });
 */
export function runConnectorConformance(factory: ConnectorFactory, fixture: ConformanceFixture): void {
  const timeout = fixture.timeoutMs ?? 5000;
  describe(`connector conformance: ${factory.kind}`, () => {
    let device: ConformanceDevice;
    const running: Connector[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);

    beforeAll(async () => {
      process.on("unhandledRejection", onUnhandled);
      device = await fixture.startDevice();
    });
    afterEach(async () => {
      for (const c of running.splice(0)) await c.stop();
    });
    afterAll(async () => {
      process.off("unhandledRejection", onUnhandled);
      await device?.close();
    });

    const startConnector = async () => {
      const connector = factory.create(device.config);
      running.push(connector);
      const collector = collectReadings();
      const abort = new AbortController();
      await connector.start({ sink: collector.sink, signal: abort.signal });
      return { connector, collector, abort };
    };

    describe("config", () => {
      it("has at least one invalid-config case in the fixture", () => {
        expect(fixture.invalidConfigs.length).toBeGreaterThan(0);
      });
      for (const bad of fixture.invalidConfigs) {
        it(`rejects a bad config with a typed error naming the field: ${bad.name}`, () => {
          let caught: unknown;
          try {
            factory.create(bad.config);
          } catch (e) {
            caught = e;
          }
          expect(
            isWeftError(caught, "CONFIG_INVALID"),
            `expected CONFIG_INVALID, got ${String(caught)}`,
          ).toBe(true);
          if (!isWeftError(caught)) return;
          expect(caught.field ?? "").toContain(bad.field);
          expect(caught.message).toContain(bad.field);
        });
      }
    });

    describe("read", () => {
      it(
        "emits readings with point ids, timestamps and quality for every point",
        async () => {
          const startedAt = Date.now();
          const { connector, collector } = await startConnector();
          await waitFor(
            "a good reading of every point",
            () =>
              fixture.pointIds.every((id) =>
                collector.readings.some((r) => r.point === id && r.quality === "good"),
              ),
            timeout,
          );
          for (const r of collector.readings) {
            const parsed = Reading.safeParse(r);
            expect(parsed.success, `reading ${JSON.stringify(r)} matches the Reading schema`).toBe(true);
            expect(fixture.pointIds).toContain(r.point);
            expect(r.ts).toBeGreaterThanOrEqual(startedAt - 1000);
            expect(r.ts).toBeLessThanOrEqual(Date.now() + 1000);
          }
          const status = connector.status();
          expect(status.state).toBe("connected");
          expect(status.counters.readings).toBeGreaterThan(0);
        },
        timeout * 2,
      );

      it(
        "reads every point once when it supports readOnce",
        async () => {
          const connector = factory.create(device.config);
          running.push(connector);
          if (!canReadOnce(connector)) return;
          const readings = await connector.readOnce();
          const ids = new Set(readings.map((r) => r.point));
          for (const id of fixture.pointIds) expect(ids.has(id), `readOnce returned ${id}`).toBe(true);
          for (const r of readings) expect(Reading.safeParse(r).success).toBe(true);
        },
        timeout * 2,
      );

      it(
        "reports bad quality when the device disappears, reconnects when it returns, never crashes",
        async () => {
          const { connector, collector } = await startConnector();
          await waitFor(
            "first good reading",
            () => collector.readings.some((r) => r.quality === "good"),
            timeout,
          );
          await device.kill();
          const mark = collector.readings.length;
          await waitFor(
            "bad readings after the device disappeared",
            () =>
              fixture.pointIds.every((id) =>
                collector.since(mark).some((r) => r.point === id && r.quality === "bad"),
              ),
            timeout * 2,
          );
          expect(connector.status().lastError).toBeDefined();
          await device.restart();
          const back = collector.readings.length;
          await waitFor(
            "good readings after the device returned",
            () => collector.since(back).some((r) => r.quality === "good"),
            timeout * 3,
          );
          expect(connector.status().counters.reconnects).toBeGreaterThanOrEqual(1);
          expect(unhandled).toEqual([]);
        },
        timeout * 8,
      );

      it(
        "stop releases every socket and timer and is idempotent; abort stops too",
        async () => {
          const before = activeHandles();
          const { connector, collector } = await startConnector();
          await waitFor("a reading", () => collector.readings.length > 0, timeout);
          await connector.stop();
          await connector.stop();
          expect(connector.status().state).toBe("stopped");
          const count = collector.readings.length;
          await waitFor(
            "handles released",
            () => leakedHandles(before, activeHandles()).length === 0 || false,
            2000,
          ).catch(() => {
            expect(leakedHandles(before, activeHandles())).toEqual([]);
          });
          if (device.connections) {
            const conns = device.connections;
            await waitFor("the device to see no connection", () => conns() === 0, 2000);
          }
          await new Promise((r) => setTimeout(r, 200));
          expect(collector.readings.length).toBe(count);

          const second = await startConnector();
          await waitFor("a reading", () => second.collector.readings.length > 0, timeout);
          second.abort.abort();
          await waitFor("stopped after abort", () => second.connector.status().state === "stopped", 2000);
          expect(unhandled).toEqual([]);
        },
        timeout * 4,
      );
    });

    // A read-only connector's fixture has no `write` step; its write checks are skipped, and say why.
    const writeTitle = fixture.write
      ? "write"
      : "write (skipped: the fixture has no write step, the connector is read-only)";
    describe(writeTitle, () => {
      const w = fixture.write;
      it.runIf(w !== undefined)(
        "writes a value encoded with the point's type and reads it back",
        async () => {
          if (!w) return;
          const { connector, collector } = await startConnector();
          if (!canWrite(connector)) throw new Error("fixture.write is set but the connector has no write()");
          await waitFor("connected", () => connector.status().state === "connected", timeout);
          await connector.write(w.pointId, w.value);
          if (canReadOnce(connector)) {
            const back = (await connector.readOnce()).find((r) => r.point === w.pointId);
            expect(back?.value).toEqual(w.value);
          } else {
            const mark = collector.readings.length;
            await waitFor(
              "the written value in a reading",
              () => collector.since(mark).some((r) => r.point === w.pointId && r.value === w.value),
              timeout,
            );
          }
        },
        timeout * 2,
      );
      it.runIf(w !== undefined)("rejects a write to an unknown point with a typed error", async () => {
        const { connector } = await startConnector();
        if (!canWrite(connector)) return;
        await expect(connector.write("no-such-point-xyz", 1)).rejects.toSatisfy((e: unknown) =>
          isWeftError(e),
        );
      });
    });
  });
}
