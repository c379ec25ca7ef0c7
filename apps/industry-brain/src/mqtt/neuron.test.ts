import { describe, expect, it } from "vitest";
import { neuronDelivery, parseNeuronMap, topicMatches } from "./neuron.ts";

const map = parseNeuronMap(`sources:
  - topic: /neuron/n1/#
    gateway: gw-1
    machines:
      - { node: press, group: fast, machine: press-01, signals: { run: state } }
      - { node: oven, machine: oven-02 }
`);
const src = map.sources[0] as (typeof map.sources)[number];

describe("Neuron uploads", () => {
  it("reads tags-format, with errors as bad readings and mapped signals", () => {
    const d = neuronDelivery(
      src,
      JSON.stringify({
        node: "press",
        group: "fast",
        timestamp: 1000,
        tags: [
          { name: "run", value: "running" },
          { name: "t", error: 2014 },
        ],
      }),
    );
    expect(d).toEqual({
      key: 1000 * 1024,
      readings: [
        { machine: "press-01", point: "run", ts: 1000, value: "running", quality: "good", signal: "state" },
        { machine: "press-01", point: "t", ts: 1000, value: null, quality: "bad", status: "neuron:2014" },
      ],
    });
  });

  it("reads values-format and the old node_name/group_name fields; unmapped nodes give null", () => {
    const d = neuronDelivery(
      src,
      JSON.stringify({
        node_name: "oven",
        group_name: "g",
        timestamp: 7,
        values: { h: 1.5 },
        errors: { d: 3 },
      }),
    );
    expect(d?.key).toBe(7 * 1024 + 1);
    expect(d?.readings.map((r) => [r.point, r.value, r.quality])).toEqual([
      ["h", 1.5, "good"],
      ["d", null, "bad"],
    ]);
    expect(
      neuronDelivery(src, JSON.stringify({ node: "press", group: "slow", timestamp: 1, values: {} })),
    ).toBeNull();
  });

  it("refuses a message that is not an upload, and a bad mapping file with the field named", () => {
    expect(() => neuronDelivery(src, JSON.stringify({ node: "press" }))).toThrow(/not a Neuron upload/);
    expect(() => parseNeuronMap("sources: [{ topic: x, machines: [] }]")).toThrow(/sources\.0/);
  });

  it("matches MQTT topic filters", () => {
    expect(topicMatches("/neuron/n1/#", "/neuron/n1/a/b")).toBe(true);
    expect(topicMatches("/neuron/+/upload", "/neuron/x/upload")).toBe(true);
    expect(topicMatches("/neuron/+/upload", "/neuron/x/y/upload")).toBe(false);
    expect(topicMatches("a/b", "a/b/c")).toBe(false);
  });
});
