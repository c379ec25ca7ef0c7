import type { BatchReading } from "@weft/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type EdgeMessage, EdgeNode } from "./edge.ts";
import { HostState } from "./host.ts";
import { decodePayload } from "./payload.ts";
import { splitDeliveryKey } from "./readings.ts";
import { parseTopic } from "./topic.ts";

function deliver(host: HostState, msgs: EdgeMessage[], checkSeq = true) {
  return msgs.flatMap((m) => {
    const t = parseTopic(m.topic);
    if (t?.kind !== "edge") throw new Error(`not an edge topic: ${m.topic}`);
    return host.handle(t.type, t.edgeNode, t.device, decodePayload(m.payload), checkSeq);
  });
}

const reading = fc.record(
  {
    machine: fc.constantFrom("press-1", "press-2", "robot-7"),
    point: fc.constantFrom("speed", "count", "state", "label"),
    ts: fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }),
    value: fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)),
      fc.string({ maxLength: 10 }),
      fc.boolean(),
      fc.constant(null),
      fc.dictionary(fc.constantFrom("a", "b"), fc.integer()),
    ),
    quality: fc.constantFrom("good", "uncertain", "bad"),
    status: fc.string({ minLength: 1, maxLength: 10 }),
    signal: fc.constantFrom("speed", "good_count", "state"),
    counter: fc.record({ bits: fc.constantFrom(16, 32) }),
  },
  { requiredKeys: ["machine", "point", "ts", "value", "quality"] },
) as fc.Arbitrary<BatchReading>;

describe("edge node → host application", () => {
  it("delivers every reading field, per machine, with the batch's delivery keys (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(reading, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 5 }),
        (batches) => {
          const edge = new EdgeNode("plant", "gw-1");
          const host = new HostState();
          expect(deliver(host, edge.birth())).toEqual([{ kind: "birth", device: null }]);
          batches.forEach((batch, i) => {
            const events = deliver(host, edge.data(i + 1, batch, false));
            expect(events.filter((e) => e.kind === "rebirth")).toEqual([]);
            const data = events.flatMap((e) => (e.kind === "data" ? [e] : []));
            expect(data.map((d) => splitDeliveryKey(d.key))).toEqual(
              data.map((_, p) => ({ batchSeq: i + 1, part: p })),
            );
            const got = data.flatMap((d) => d.readings);
            const byMachine = (rs: BatchReading[]) =>
              [...new Set(rs.map((r) => r.machine))].flatMap((m) => rs.filter((r) => r.machine === m));
            expect(got).toEqual(byMachine(batch));
          });
        },
      ),
    );
  });

  it("asks for a rebirth on a seq gap, and on an alias no birth declared", () => {
    const edge = new EdgeNode("plant", "gw-1");
    const host = new HostState();
    deliver(host, edge.birth());
    const r = (ts: number, point = "speed"): BatchReading => ({
      machine: "m1",
      point,
      ts,
      value: 1,
      quality: "good",
    });
    deliver(host, edge.data(1, [r(1_700_000_000_000)], false));
    edge.data(2, [r(1_700_000_000_001)], false); // lost on the way
    const gap = deliver(host, edge.data(3, [r(1_700_000_000_002)], false));
    expect(gap[0]).toEqual({ kind: "rebirth", reason: "seq-gap" });
    expect(gap[1]).toMatchObject({ kind: "data", readings: [{ ts: 1_700_000_000_002 }] });
    // the DBIRTH declaring `count` is lost; its DDATA cannot be read whole
    const [, ddata] = edge.data(4, [r(1_700_000_000_003, "count")], false) as [EdgeMessage, EdgeMessage];
    expect(deliver(host, [ddata], false)).toEqual([{ kind: "rebirth", reason: "unknown-alias" }]);
    // the rebirth declares it again, and the resent batch reads
    deliver(host, edge.birth());
    expect(deliver(host, edge.data(4, [r(1_700_000_000_003, "count")], false))).toMatchObject([
      { kind: "data", readings: [{ point: "count" }] },
    ]);
  });

  it("ignores seq gaps when sharing DATA with other hosts, and a stale NDEATH", () => {
    const edge = new EdgeNode("plant", "gw-1", 4);
    const host = new HostState();
    deliver(host, edge.birth());
    const r: BatchReading = { machine: "m1", point: "p", ts: 1_700_000_000_000, value: 2, quality: "good" };
    deliver(host, edge.data(1, [r], false), false);
    edge.data(2, [r], false);
    expect(deliver(host, edge.data(3, [r], false), false).map((e) => e.kind)).toEqual(["data"]);
    const old = new EdgeNode("plant", "gw-1", 3).death();
    expect(deliver(host, [old])).toMatchObject([{ kind: "ignored" }]);
    expect(deliver(host, [edge.death()])).toEqual([{ kind: "death", device: null }]);
    expect(host.knows("gw-1")).toBe(false);
  });

  it("marks backlog readings as historical", () => {
    const edge = new EdgeNode("plant", "gw-1");
    const r: BatchReading = { machine: "m1", point: "p", ts: 1_700_000_000_000, value: 2, quality: "good" };
    edge.birth();
    const msgs = edge.data(1, [r], true);
    const ddata = decodePayload((msgs.at(-1) as EdgeMessage).payload);
    expect(ddata.metrics.slice(1).every((m) => m.isHistorical)).toBe(true);
  });
});
