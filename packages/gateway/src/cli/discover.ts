import * as path from "node:path";
import { WeftError } from "@weft/core";
import { Document, YAMLMap, type YAMLSeq } from "yaml";
import { type CliIO, reportError } from "./common.ts";

interface DiscoveredPoint {
  id: string;
  nodeId: string;
  browsePath: string;
  dataType: string;
  valueRank: number;
  unit?: string;
  access: string;
}
interface DiscoveryResult {
  endpointUrl: string;
  points: DiscoveredPoint[];
  truncated: boolean;
  nodesVisited: number;
}
type Discover = (
  url: string,
  o: { root?: string; depth?: number; pki?: { folder: string } },
) => Promise<DiscoveryResult>;

/** `weft-gateway discover opcua URL`: print a device file (points YAML) for the server's variables. */
export async function discoverCommand(
  protocol: string,
  url: string,
  o: { root?: string; depth?: number; pki: string },
  io: CliIO,
): Promise<number> {
  try {
    if (protocol !== "opcua")
      throw new WeftError("UNSUPPORTED", `discovery is available for opcua, not ${protocol}`, {
        fix: "for Modbus, use `weft-gateway probe modbus` to see registers decoded every way",
      });
    const mod = (await import("@weft/connector-opcua")) as Record<string, unknown>;
    const discover = mod.discover as Discover | undefined;
    if (typeof discover !== "function")
      throw new WeftError("UNSUPPORTED", "@weft/connector-opcua does not export discover()");
    const result = await discover(url, {
      ...(o.root ? { root: o.root } : {}),
      ...(o.depth !== undefined ? { depth: o.depth } : {}),
      pki: { folder: path.resolve(o.pki) },
    });
    io.out(discoveryToYaml(result));
    if (result.truncated)
      io.err(`note: stopped after ${result.points.length} variables; narrow it with --root or --depth`);
    return 0;
  } catch (e) {
    return reportError(io, e);
  }
}

/** A device file a gateway config can reference with `points: { file: … }`. */
export function discoveryToYaml(r: DiscoveryResult): string {
  const doc = new Document({ kind: "opcua", endpointUrl: r.endpointUrl, points: [] as unknown[] });
  doc.commentBefore = ` Discovered from ${r.endpointUrl} on ${new Date().toISOString()}: ${r.points.length} variables.\n Use it from a gateway config: points: { file: this-file.yaml }; delete what you do not need.`;
  const seq = doc.get("points") as YAMLSeq;
  for (const p of r.points) {
    const item = new YAMLMap();
    item.flow = true;
    item.set("id", p.id);
    item.set("nodeId", p.nodeId);
    if (p.unit) item.set("unit", p.unit);
    const node = doc.createNode(item) as YAMLMap;
    node.flow = true;
    node.comment = ` ${p.dataType}${p.valueRank > 0 ? "[]" : ""}, ${p.access}, ${p.browsePath}`;
    seq.items.push(node);
  }
  return doc.toString({ lineWidth: 0 });
}
