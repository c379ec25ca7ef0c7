import * as path from "node:path";
import { WeftError } from "@weft/core";
import type { Logger } from "pino";
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
interface Progress {
  depth: number;
  nodesVisited: number;
  variables: number;
}
type Discover = (
  url: string,
  o: {
    root?: string;
    depth?: number;
    maxNodes?: number;
    includeServerObject?: boolean;
    pki?: { folder: string };
    onProgress?: (p: Progress) => void;
  },
) => Promise<DiscoveryResult>;

export interface DiscoverCliOptions {
  root?: string;
  depth?: number;
  maxNodes?: number;
  includeServer?: boolean;
  json?: boolean;
  pki: string;
}

/** Progress lines (stderr) once a walk has taken this long, so a large server does not look hung. */
const PROGRESS_AFTER_MS = 1500;

/**
 * `weft-gateway discover opcua URL`: print a device file (points YAML, or JSON with --json) for the
 * server's variables. Only that goes to stdout; progress and node-opcua's diagnostics go to stderr.
 */
export async function discoverCommand(
  protocol: string,
  url: string,
  o: DiscoverCliOptions & { logger?: Logger },
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
    (mod.routeNodeOpcuaLogs as ((l: Logger | null) => void) | undefined)?.(o.logger ?? null);
    const started = Date.now();
    const result = await discover(url, {
      ...(o.root ? { root: o.root } : {}),
      ...(o.depth !== undefined ? { depth: o.depth } : {}),
      ...(o.maxNodes !== undefined ? { maxNodes: o.maxNodes } : {}),
      ...(o.includeServer ? { includeServerObject: true } : {}),
      pki: { folder: path.resolve(o.pki) },
      onProgress: (p) => {
        if (Date.now() - started >= PROGRESS_AFTER_MS)
          io.err(
            `browsing: level ${p.depth}, ${p.nodesVisited} nodes visited, ${p.variables} variables so far (${((Date.now() - started) / 1000).toFixed(1)} s)`,
          );
      },
    });
    io.out(o.json ? JSON.stringify(result) : discoveryToYaml(result));
    if (result.truncated)
      io.err(
        `note: stopped after ${result.nodesVisited} nodes and ${result.points.length} variables; narrow it with --root or --depth, or raise --max-nodes`,
      );
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
