/** Sparkplug B 3.0 topic namespace (spec §4.1): spBv1.0/<group>/<type>/<edge node>[/<device>]. */
export const NAMESPACE = "spBv1.0";

export const MESSAGE_TYPES = [
  "NBIRTH",
  "NDEATH",
  "DBIRTH",
  "DDEATH",
  "NDATA",
  "DDATA",
  "NCMD",
  "DCMD",
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export type SparkplugTopic =
  | { kind: "state"; hostId: string }
  | { kind: "edge"; group: string; type: MessageType; edgeNode: string; device: string | null };

/** Group, edge node, device and host ids: non-empty, no MQTT separators or wildcards (spec §4.1.1). */
const ID = /^[^/+#]+$/;

/** Is `id` usable as a Sparkplug group, edge node, device or host id? */
export function isSparkplugId(id: string): boolean {
  return ID.test(id);
}

/**
 * Parse a topic; null when it is not a Sparkplug B topic (wrong namespace, unknown type, an
 * NBIRTH/NDATA/… with a device part, a DBIRTH/DDATA/… without one).
 * @example parseTopic("spBv1.0/plant/DDATA/gw-1/press-3") // { kind: "edge", type: "DDATA", … }
 */
export function parseTopic(topic: string): SparkplugTopic | null {
  const parts = topic.split("/");
  if (parts[0] !== NAMESPACE) return null;
  if (parts[1] === "STATE")
    return parts.length === 3 && ID.test(parts[2] as string)
      ? { kind: "state", hostId: parts[2] as string }
      : null;
  if (parts.length < 4 || parts.length > 5 || !parts.slice(1).every((p) => ID.test(p))) return null;
  const type = parts[2] as MessageType;
  if (!MESSAGE_TYPES.includes(type)) return null;
  const device = parts[4] ?? null;
  if ((type[0] === "D") !== (device !== null)) return null;
  return { kind: "edge", group: parts[1] as string, type, edgeNode: parts[3] as string, device };
}

/** Build an edge node's or device's topic. */
export function edgeTopic(
  group: string,
  type: MessageType,
  edgeNode: string,
  device?: string | null,
): string {
  return device
    ? `${NAMESPACE}/${group}/${type}/${edgeNode}/${device}`
    : `${NAMESPACE}/${group}/${type}/${edgeNode}`;
}

/** A primary host application's STATE topic (Sparkplug 3.0: spBv1.0/STATE/<host_id>). */
export function stateTopic(hostId: string): string {
  return `${NAMESPACE}/STATE/${hostId}`;
}

/** STATE payload (Sparkplug 3.0 §7.3): JSON, retained, with the host's session timestamp. */
export interface HostStatus {
  online: boolean;
  timestamp: number;
}

export function encodeState(s: HostStatus): string {
  return JSON.stringify({ online: s.online, timestamp: s.timestamp });
}

/** Parse a STATE payload; null when it is not one (then the host counts as offline). */
export function decodeState(payload: Uint8Array | string): HostStatus | null {
  try {
    const v = JSON.parse(
      typeof payload === "string" ? payload : new TextDecoder().decode(payload),
    ) as unknown;
    if (typeof v !== "object" || v === null) return null;
    const { online, timestamp } = v as Record<string, unknown>;
    if (typeof online !== "boolean" || typeof timestamp !== "number") return null;
    return { online, timestamp };
  } catch {
    return null;
  }
}
