import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { pressDeviceFile, pressDeviceFilePath, pressDeviceFileYaml } from "./device-file.ts";
import { PRESS_VARIABLES, pressNodeId } from "./nodes.ts";

describe("published press device files", () => {
  it.each([0, 1, 2])("devices file of press %i is in sync with the code", (i) => {
    expect(readFileSync(pressDeviceFilePath(i), "utf8")).toBe(pressDeviceFileYaml(i));
  });

  it("references only nodeIds the simulator exposes and names every signal role's point", () => {
    const file = pressDeviceFile(1) as {
      points: { id: string; nodeId: string }[];
      roles: Record<string, string>;
    };
    const known = new Set(PRESS_VARIABLES.map((v) => pressNodeId(1, v)));
    for (const p of file.points) expect(known, p.nodeId).toContain(p.nodeId);
    const ids = new Set(file.points.map((p) => p.id));
    for (const id of Object.values(file.roles)) expect(ids).toContain(id);
    expect(parse(pressDeviceFileYaml(1))).toEqual(file);
  });
});
