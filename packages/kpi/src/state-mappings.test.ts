import { describe, expect, it } from "vitest";
import { fromJdfDeviceStatus, fromMachineryItemState, fromPackML, fromRobot } from "./state-mappings.ts";

describe("fromMachineryItemState (OPC 40001-1)", () => {
  it.each([
    [0, undefined, "offline"],
    [1, undefined, "down"],
    [2, undefined, "idle"],
    [3, undefined, "running"],
    [3, 2, "setup"],
    [3, 3, "running"],
    [2, 2, "idle"],
    ["NotAvailable", null, "offline"],
    ["OutOfService_1", null, "down"],
    ["Executing", "Setup", "setup"],
    ["3", "2", "setup"],
    [7, undefined, "offline"],
    ["Exploding", undefined, "offline"],
  ] as const)("item state %s, mode %s → %s", (item, mode, expected) => {
    expect(fromMachineryItemState(item, mode)).toBe(expected);
  });
});

describe("fromPackML (OPC 30050)", () => {
  it.each([
    [6, "running"],
    [4, "idle"],
    [2, "idle"],
    [5, "idle"],
    [11, "idle"],
    [9, "down"],
    [8, "down"],
    [15, "setup"],
    [3, "setup"],
    [1, "setup"],
    [0, "idle"],
    [7, "idle"],
    [10, "idle"],
    [12, "idle"],
    [13, "idle"],
    [14, "idle"],
    [16, "idle"],
    [17, "idle"],
    ["Execute", "running"],
    ["ABORTED", "down"],
    ["Resetting", "setup"],
  ] as const)("%s → %s", (state, expected) => {
    expect(fromPackML(state)).toBe(expected);
  });
});

describe("fromJdfDeviceStatus (CIP4 JDF)", () => {
  it.each([
    ["Running", "running"],
    ["Setup", "setup"],
    ["Cleanup", "setup"],
    ["Down", "down"],
    ["Idle", "idle"],
    ["Stopped", "idle"],
    ["Unknown", "offline"],
    [" running ", "running"],
    ["Gibberish", "offline"],
  ] as const)("%s → %s", (status, expected) => {
    expect(fromJdfDeviceStatus(status)).toBe(expected);
  });
});

describe("fromRobot (OPC 40010)", () => {
  it.each([
    [{ taskState: "Executing", mode: "AUTOMATIC" }, "running"],
    [{ taskState: "Executing", mode: 3 }, "running"],
    [{ taskState: true, mode: "AUTOMATIC_EXTERNAL" }, "running"],
    [{ taskState: "Executing", mode: 3, emergencyStop: true }, "down"],
    [{ taskState: "Executing", mode: 3, protectiveStop: true }, "down"],
    [{ taskState: "Executing", mode: 3, errorCode: 17 }, "down"],
    [{ taskState: "Ready", mode: 3, errorCode: "E42" }, "down"],
    [{ taskState: "Ready", mode: 1, emergencyStop: true }, "down"],
    [{ taskState: "Executing", mode: "MANUAL_REDUCED_SPEED" }, "setup"],
    [{ taskState: "Executing", mode: 2 }, "setup"],
    [{ taskState: "Ready", mode: 3 }, "idle"],
    [{ taskState: "Idle", mode: 3, errorCode: 0 }, "idle"],
    [{ taskState: "Executing", mode: 0 }, "idle"],
    [{}, "idle"],
  ] as const)("%j → %s", (status, expected) => {
    expect(fromRobot(status)).toBe(expected);
  });
});
