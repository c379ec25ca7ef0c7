import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { BatchReading } from "@weft/core";
import {
  createDefaultRegistry,
  type GatewayStatus,
  Journal,
  loadAndValidate,
  startGateway,
} from "@weft/gateway";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BoilerDevice, startBoiler } from "./boiler-device.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(here, "..");
let boiler: BoilerDevice;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "weft-plugin-"));

beforeAll(async () => {
  boiler = await startBoiler();
});
afterAll(async () => {
  await boiler.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the gateway with this package as a plugin", () => {
  it("validates the example config, loading the connector by package name", async () => {
    const cfg = await loadAndValidate(path.join(pkg, "gateway.example.yaml"), createDefaultRegistry(), {
      WEFT_API_KEY: "k",
    });
    expect(cfg.factories.get("@weft/example-custom-connector")?.kind).toBe("http-json");
    expect(cfg.devices[0]?.profile?.definition.name).toBe("steam-boiler");
  });

  it("runs it and maps the boiler through the custom profile", async () => {
    const seen: BatchReading[] = [];
    const gw = await startGateway({
      baseDir: pkg,
      logger: pino({ level: "silent" }),
      health: false,
      env: { WEFT_API_KEY: "k", BOILER_URL: boiler.url },
      config: {
        gateway: { id: "gw-plugin", dataDir: path.join(tmp, "data") },
        uplink: { maxBatchAge: 50 },
        devices: [
          {
            id: "boiler-01",
            connector: "@weft/example-custom-connector",
            profile: "./profiles/steam-boiler.yaml",
            url: boiler.url,
            intervalMs: 100,
            points: [
              { id: "mode", path: "boiler.mode", type: "string" },
              { id: "pressure", path: "boiler.steamPressureBar" },
              { id: "energyKwh", path: "boiler.energyKwh" },
              { id: "faultCode", path: "boiler.faultCode" },
            ],
          },
        ],
      },
    });
    try {
      await new Promise((r) => setTimeout(r, 500));
      boiler.state.mode = "fault";
      boiler.state.faultCode = 17;
      await new Promise((r) => setTimeout(r, 500));
      gw.flush();
      const s: GatewayStatus = gw.status();
      expect(s.devices[0]?.state).toBe("connected");
      expect(s.buffer.pendingReadings).toBeGreaterThan(10);
    } finally {
      await gw.stop();
    }
    const j = Journal.open({ dir: path.join(tmp, "data", "journal") });
    for (let b = j.next(0); b; b = j.next(b.seq)) seen.push(...b.readings);
    j.close();
    const states = seen.filter((r) => r.signal === "state").map((r) => r.value);
    expect(states).toContain("running");
    expect(states).toContain("down");
    expect(seen.filter((r) => r.signal === "alarm").map((r) => r.value)).toContain("F17");
    expect(seen.find((r) => r.signal === "energyKwh")?.point).toBe("energyKwh");
  });
});
