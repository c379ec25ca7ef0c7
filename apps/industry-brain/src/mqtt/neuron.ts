import { type BatchReading, SignalRole, WeftError } from "@weft/core";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Delivery } from "./pending.ts";

/** Machines one Neuron southbound node (and optionally one of its groups) feeds. */
const NeuronMachine = z.strictObject({
  node: z.string().min(1),
  group: z.string().min(1).optional(),
  machine: z.string().min(1).max(64),
  /** Tag name → signal role (e.g. `run: state`); other tags are stored as plain points. */
  signals: z.record(z.string(), SignalRole).optional(),
});

const NeuronSource = z.strictObject({
  /** MQTT topic filter Neuron publishes on, e.g. `/neuron/north-1/#`. */
  topic: z.string().min(1),
  /** A gateway registered in the brain: its enterprise owns these machines (the same wall as HTTP). */
  gateway: z.string().min(1).max(64),
  machines: z.array(NeuronMachine).min(1).max(1024),
});

export const NeuronMap = z.strictObject({ sources: z.array(NeuronSource).min(1) });
export type NeuronMap = z.infer<typeof NeuronMap>;
export type NeuronSource = z.infer<typeof NeuronSource>;

/** Parse a Neuron mapping file's text (YAML or JSON); a bad entry names its path and the fix. */
export function parseNeuronMap(text: string, file = "neuron map"): NeuronMap {
  const r = NeuronMap.safeParse(parseYaml(text));
  if (r.success) return r.data;
  const i = r.error.issues[0];
  const field = i?.path.join(".") ?? "";
  throw new WeftError("CONFIG_INVALID", `${file}: ${field}: ${i?.message}`, {
    field,
    fix: "see docs/mqtt.md#neuron for the mapping file's shape",
  });
}

/** Neuron's upload message, tags-format or values-format (node/group, or node_name/group_name before 2.1). */
const Upload = z.looseObject({
  timestamp: z.number().int().nonnegative(),
  node: z.string().optional(),
  node_name: z.string().optional(),
  group: z.string().optional(),
  group_name: z.string().optional(),
  tags: z
    .array(
      z.looseObject({ name: z.string().min(1), value: z.unknown().optional(), error: z.number().optional() }),
    )
    .optional(),
  values: z.record(z.string(), z.unknown()).optional(),
  errors: z.record(z.string(), z.number()).optional(),
});

/** Per mapped machine entry, at most this many messages per millisecond share a key space. */
export const NEURON_KEY_SPAN = 1024;

/**
 * A Neuron upload as one delivery for the source's gateway, or null when its node/group is not
 * mapped. The dedupe key is the upload's timestamp × 1024 + the machine entry's index: Neuron
 * sends one message per node group per read cycle, so a redelivery has the same key.
 * A tag's error code becomes a bad reading with status `neuron:<code>`.
 */
export function neuronDelivery(source: NeuronSource, payload: string): Delivery | null {
  const u = Upload.safeParse(JSON.parse(payload));
  if (!u.success)
    throw new WeftError("VALIDATION_FAILED", `not a Neuron upload: ${u.error.issues[0]?.message}`);
  const m = u.data;
  const node = m.node ?? m.node_name;
  const group = m.group ?? m.group_name;
  const index = source.machines.findIndex(
    (e) => e.node === node && (e.group === undefined || e.group === group),
  );
  const entry = source.machines[index];
  if (!entry) return null;
  const readings: BatchReading[] = [];
  const push = (name: string, value: unknown, error: number | undefined) => {
    const r: BatchReading = {
      machine: entry.machine,
      point: name,
      ts: m.timestamp,
      value: null,
      quality: "good",
    };
    if (error !== undefined) {
      r.quality = "bad";
      r.status = `neuron:${error}`;
    } else r.value = value === undefined ? null : (value as BatchReading["value"]);
    const signal = entry.signals?.[name];
    if (signal) r.signal = signal;
    readings.push(r);
  };
  for (const t of m.tags ?? []) push(t.name, t.value, t.error);
  for (const [k, v] of Object.entries(m.values ?? {})) push(k, v, undefined);
  for (const [k, e] of Object.entries(m.errors ?? {})) push(k, undefined, e);
  return { key: m.timestamp * NEURON_KEY_SPAN + index, readings };
}

/** Does an MQTT topic match a filter (`+` one level, `#` the rest)? */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length || (f[i] !== "+" && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}
