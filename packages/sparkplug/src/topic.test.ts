import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeState, edgeTopic, encodeState, MESSAGE_TYPES, parseTopic, stateTopic } from "./topic.ts";

const id = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);

describe("Sparkplug topics", () => {
  it("parses what it builds (property)", () => {
    fc.assert(
      fc.property(id, fc.constantFrom(...MESSAGE_TYPES), id, id, (group, type, node, device) => {
        const dev = type.startsWith("D") ? device : null;
        expect(parseTopic(edgeTopic(group, type, node, dev))).toEqual({
          kind: "edge",
          group,
          type,
          edgeNode: node,
          device: dev,
        });
      }),
    );
  });

  it("refuses what is not Sparkplug B", () => {
    for (const t of [
      "spAv1.0/g/NDATA/n",
      "spBv1.0/g/NDATA/n/d",
      "spBv1.0/g/DDATA/n",
      "spBv1.0/g/XDATA/n",
      "spBv1.0/g//n",
      "spBv1.0/STATE",
      "plant/area/m1/speed",
    ])
      expect(parseTopic(t), t).toBeNull();
    expect(parseTopic(stateTopic("weft"))).toEqual({ kind: "state", hostId: "weft" });
  });

  it("reads a STATE payload, and nothing else as one", () => {
    expect(decodeState(encodeState({ online: true, timestamp: 5 }))).toEqual({ online: true, timestamp: 5 });
    expect(decodeState("{}")).toBeNull();
    expect(decodeState("OFFLINE")).toBeNull();
  });
});
