import type { BatchReading } from "@weft/core";
import { BDSEQ_METRIC } from "./edge.ts";
import type { Payload } from "./payload.ts";
import { BATCH_METRIC, identityFromBirth, type MetricIdentity, readingOf } from "./readings.ts";
import { followsSeq } from "./seq.ts";
import type { MessageType } from "./topic.ts";

/** What one message meant to the host application. */
export type HostEvent =
  | { kind: "birth"; device: string | null }
  | { kind: "death"; device: string | null }
  | {
      kind: "data";
      device: string | null;
      /** The message's dedupe key: its `Weft/Batch` value, else timestamp × 256 + seq. */
      key: number;
      weft: boolean;
      readings: BatchReading[];
    }
  | { kind: "rebirth"; reason: "unknown-alias" | "seq-gap" | "no-birth" }
  | { kind: "ignored"; reason: string };

interface Alias {
  device: string | null;
  id: MetricIdentity;
}

interface NodeState {
  bdSeq: number | null;
  lastSeq: number | null;
  aliases: Map<number, Alias>;
  batchAliases: Map<string, number>;
}

/**
 * The pure part of a Sparkplug primary host application for one group: per edge node the alias
 * table from NBIRTH/DBIRTH, the last seq, and how DATA metrics become Weft readings. A message
 * that cannot be read whole (an alias no birth declared) is not read at all: the host asks for a
 * rebirth and the edge node sends it again, so a delivery key is stored with all its readings.
 * Machines are Sparkplug devices; node-level metrics belong to a machine named like the edge node.
 */
export class HostState {
  private readonly nodes = new Map<string, NodeState>();

  /**
   * @param checkSeq false when this host sees only a share of the DATA messages (MQTT 5 shared
   * subscriptions): then a seq gap is another host's message, not a loss.
   */
  handle(
    type: MessageType,
    edgeNode: string,
    device: string | null,
    p: Payload,
    checkSeq: boolean,
  ): HostEvent[] {
    let n = this.nodes.get(edgeNode);
    if (type === "NBIRTH") {
      const bd = p.metrics.find((m) => m.name === BDSEQ_METRIC)?.value;
      n = {
        bdSeq: typeof bd === "number" ? bd : null,
        lastSeq: p.seq ?? 0,
        aliases: new Map(),
        batchAliases: new Map(),
      };
      this.nodes.set(edgeNode, n);
      this.learn(n, null, p);
      return [{ kind: "birth", device: null }];
    }
    if (type === "NDEATH") {
      const bd = p.metrics.find((m) => m.name === BDSEQ_METRIC)?.value;
      if (!n || (n.bdSeq !== null && bd !== n.bdSeq))
        return [{ kind: "ignored", reason: "stale NDEATH (bdSeq of an older session)" }];
      this.nodes.delete(edgeNode);
      return [{ kind: "death", device: null }];
    }
    if (type === "NCMD" || type === "DCMD") return [{ kind: "ignored", reason: "command" }];
    if (!n) return [{ kind: "rebirth", reason: "no-birth" }];
    const events: HostEvent[] = [];
    if (p.seq !== undefined) {
      if (checkSeq && !followsSeq(n.lastSeq, p.seq)) events.push({ kind: "rebirth", reason: "seq-gap" });
      n.lastSeq = p.seq;
    }
    if (type === "DBIRTH") {
      this.learn(n, device, p);
      events.push({ kind: "birth", device });
      return events;
    }
    if (type === "DDEATH") {
      events.push({ kind: "death", device });
      return events;
    }
    const data = this.read(n, edgeNode, device, p);
    events.push(data ?? { kind: "rebirth", reason: "unknown-alias" });
    return events;
  }

  /** Forget an edge node (e.g. after a rebirth request, until its NBIRTH arrives). */
  forget(edgeNode: string): void {
    this.nodes.delete(edgeNode);
  }

  knows(edgeNode: string): boolean {
    return this.nodes.has(edgeNode);
  }

  private learn(n: NodeState, device: string | null, p: Payload): void {
    for (const m of p.metrics) {
      if (m.alias === undefined || !m.name) continue;
      if (m.name === BATCH_METRIC) {
        n.batchAliases.set(device ?? "", m.alias);
        continue;
      }
      const id = identityFromBirth(m);
      if (id) n.aliases.set(m.alias, { device, id });
    }
  }

  private read(n: NodeState, edgeNode: string, device: string | null, p: Payload): HostEvent | null {
    const batchAlias = n.batchAliases.get(device ?? "");
    const machine = device ?? edgeNode;
    const fallbackTs = p.timestamp ?? 0;
    const readings: BatchReading[] = [];
    let key: number | null = null;
    for (const m of p.metrics) {
      if (m.alias !== undefined && m.alias === batchAlias) {
        if (typeof m.value === "number") key = m.value;
        continue;
      }
      if (m.name === BATCH_METRIC && typeof m.value === "number") {
        key = m.value;
        continue;
      }
      const a = m.alias !== undefined ? n.aliases.get(m.alias) : undefined;
      let id: MetricIdentity | undefined;
      if (a) {
        if (a.device !== device) return null;
        id = a.id;
      } else if (m.name) id = { point: m.name };
      else return null;
      readings.push(readingOf(machine, id, m, fallbackTs));
    }
    const weft = key !== null;
    return { kind: "data", device, key: key ?? fallbackTs * 256 + (p.seq ?? 0), weft, readings };
  }
}
