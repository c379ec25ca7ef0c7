import type { Reading } from "@weft/core";
import { describe, expect, it } from "vitest";
import { ProfileEngine } from "./engine.ts";
import { builtinProfileNames, loadProfile } from "./load.ts";

function profile(name: string) {
  const p = loadProfile(name, process.cwd());
  if ("issues" in p) throw new Error(JSON.stringify(p.issues));
  return p;
}
const r = (
  point: string,
  value: Reading["value"],
  ts = 1000,
  quality: Reading["quality"] = "good",
): Reading => ({ point, value, ts, quality });

describe("built-in profiles", () => {
  it("all load and compile", () => {
    expect(builtinProfileNames()).toEqual(["generic-machine", "industrial-robot", "printing-press"]);
    for (const n of builtinProfileNames()) expect(profile(n).signals.length).toBeGreaterThan(3);
  });

  it("printing press: JDF status → state, counters tagged, alarm and ideal cycle derived", () => {
    const e = new ProfileEngine(profile("printing-press"), {
      machine: "press-1",
      pointIds: ["device_status", "status_details", "production_counter", "waste_counter", "target_speed"],
    });
    expect(e.disabled.map((d) => d.role).sort()).toEqual(["energyKwh", "job", "rate", "totalCount"]);
    const out = e.process(
      [
        r("device_status", "Cleanup"),
        r("status_details", "WashUp"),
        r("production_counter", 5),
        r("target_speed", 12000),
      ],
      0,
    );
    const by = (sig: string) => out.find((x) => x.signal === sig);
    expect(by("state")?.value).toBe("setup");
    expect(by("goodCount")).toMatchObject({ point: "production_counter", value: 5, machine: "press-1" });
    expect(by("idealCycleS")?.value).toBe(0.3);
    expect(by("alarm")?.value).toBe("");
    const down = e.process([r("device_status", "Down", 2000), r("status_details", "PaperJam", 2000)], 0);
    expect(down.find((x) => x.signal === "state")).toMatchObject({
      value: "down",
      ts: 2000,
      point: "signal.state",
    });
    expect(down.find((x) => x.signal === "alarm")?.value).toBe("PaperJam");
    for (const [status, state] of [
      ["Running", "running"],
      ["Setup", "setup"],
      ["Idle", "idle"],
      ["Stopped", "idle"],
      ["Unknown", "offline"],
    ] as const)
      expect(e.process([r("device_status", status)], 0).find((x) => x.signal === "state")?.value).toBe(state);
  });

  it("industrial robot follows kpi.md's robot mapping", () => {
    const e = new ProfileEngine(profile("industrial-robot"), {
      machine: "robot-1",
      pointIds: ["robot_mode", "robot_state", "error_code", "cycle_counter", "cycle_time"],
    });
    const state = (mode: number, st: number, err = 0) =>
      e
        .process([r("robot_mode", mode), r("robot_state", st), r("error_code", err)], 0)
        .find((x) => x.signal === "state")?.value;
    expect(state(1, 1)).toBe("running");
    expect(state(1, 0)).toBe("idle");
    expect(state(1, 2)).toBe("idle");
    expect(state(0, 0)).toBe("setup");
    expect(state(1, 4, 1001)).toBe("down");
    expect(state(1, 5)).toBe("down");
    const counts = e.process([r("cycle_counter", 42), r("cycle_time", 12)], 0);
    expect(
      counts
        .filter((x) => x.value === 42)
        .map((x) => x.signal)
        .sort(),
    ).toEqual(["goodCount", "totalCount"]);
    expect(counts.find((x) => x.signal === "rate")?.value).toBe(300);
  });

  it("a bad state input yields offline; heartbeat and disconnect are reported", () => {
    const e = new ProfileEngine(profile("generic-machine"), { machine: "m", pointIds: ["running", "fault"] });
    expect(
      e.process([r("running", true), r("fault", false)], 0).find((x) => x.signal === "state")?.value,
    ).toBe("running");
    expect(e.process([r("fault", null, 1500, "bad")], 0).find((x) => x.signal === "state")?.value).toBe(
      "offline",
    );
    e.process([r("fault", false, 2000)], 0);
    expect(e.tick(5000, true)).toEqual([]);
    expect(e.tick(12_500, true)[0]).toMatchObject({ signal: "state", value: "running", ts: 12_500 });
    expect(e.tick(13_000, false)).toEqual([]);
    expect(e.tick(43_000, false)[0]).toMatchObject({ value: "offline" });
    expect(e.tick(50_000, false)).toEqual([]);
  });

  it("binds profile inputs to differently named points", () => {
    const e = new ProfileEngine(profile("generic-machine"), {
      machine: "m",
      pointIds: ["M0.0", "DB1.count"],
      bind: { running: "M0.0", goodCount: "DB1.count" },
    });
    const out = e.process([r("M0.0", 1), r("DB1.count", 7)], 0);
    expect(out.find((x) => x.signal === "state")?.value).toBe("running");
    expect(out.find((x) => x.signal === "goodCount")?.point).toBe("DB1.count");
  });
});
