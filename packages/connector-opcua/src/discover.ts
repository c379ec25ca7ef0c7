import { WeftError } from "@weft/core";
import {
  AttributeIds,
  BrowseDirection,
  type BrowseResult,
  browseAll,
  type ClientSession,
  DataType,
  NodeClass,
  type NodeId,
  resolveNodeId,
} from "node-opcua";
import { type Identity, OpcuaConfig, type OpcuaConfigInput, type Security } from "./config.ts";
import { connectSession, createClient } from "./internal/client.ts";
import { toWeftError } from "./internal/errors.ts";
import { openClientPki } from "./pki.ts";

export interface DiscoverOptions {
  /** Where to start; default the Objects folder `i=85`. */
  root?: string;
  /** How many levels below root to walk; default 4. */
  depth?: number;
  /** Stop after this many variables (the result says `truncated`). Default 5000. */
  maxPoints?: number;
  /** Stop browsing after visiting this many nodes (the result says `truncated`). Default 100,000. */
  maxNodes?: number;
  /** Include the standard `Server` object (namespace 0 diagnostics). Default false. */
  includeServerObject?: boolean;
  /** Called as the walk goes (after each level and every browse call), for progress on large servers. */
  onProgress?: (p: DiscoveryProgress) => void;
  security?: Partial<Security>;
  identity?: Identity;
  pki?: OpcuaConfigInput["pki"];
}

/** One variable found; `id`, `nodeId` and `unit` are ready for a connector point config. */
export interface DiscoveredPoint {
  id: string;
  nodeId: string;
  /** Browse names from root, e.g. `Press1/Identification/Manufacturer`. */
  browsePath: string;
  /** Built-in type name (`Double`, `UInt32`, …) or the data type's browse name for structures/enums. */
  dataType: string;
  /** 1 or more: an array. */
  valueRank: number;
  unit?: string;
  access: "read" | "write" | "readwrite" | "none";
  description?: string;
}

export interface DiscoveryProgress {
  depth: number;
  nodesVisited: number;
  variables: number;
}

export interface DiscoveryResult {
  endpointUrl: string;
  points: DiscoveredPoint[];
  truncated: boolean;
  nodesVisited: number;
}

const SERVER_OBJECT = "ns=0;i=2253";

/**
 * Walk a live server's address space and return point configs (nodeId, browse path,
 * data type, unit from EngineeringUnits, access level), so a gateway can write its
 * config from the server.
 * @example
 * const { points } = await discover("opc.tcp://localhost:4841", { root: "ns=1;s=Press1", depth: 3 });
 * // [{ id: "Press1.Speed", nodeId: "ns=1;s=Press1.Speed", dataType: "Double", unit: "sheets/h", access: "read", ... }]
 */
export async function discover(endpointUrl: string, options: DiscoverOptions = {}): Promise<DiscoveryResult> {
  const parsed = OpcuaConfig.safeParse({
    endpointUrl,
    security: options.security ?? {},
    identity: options.identity ?? { type: "anonymous" },
    pki: options.pki ?? {},
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "endpointUrl";
    throw new WeftError("CONFIG_INVALID", `discover: ${field}: ${issue?.message}`, { field });
  }
  let root: NodeId;
  try {
    root = resolveNodeId(options.root ?? "i=85");
  } catch (cause) {
    throw new WeftError("CONFIG_INVALID", `discover: root "${options.root}" is not a nodeId`, {
      field: "root",
      cause,
      fix: "use e.g. i=85 or ns=1;s=Press1",
    });
  }
  const config = parsed.data;
  const pki = await openClientPki({
    folder: config.pki.folder,
    acceptUnknownServerCertificate: config.pki.acceptUnknownServerCertificate,
  });
  const client = createClient(config, pki);
  try {
    const session = await connectSession(client, config);
    try {
      return await walk(session, endpointUrl, root, options);
    } catch (e) {
      throw toWeftError(e, "discovery failed on", endpointUrl);
    } finally {
      await session.close().catch(() => {});
    }
  } finally {
    await client.disconnect().catch(() => {});
    await pki.dispose();
  }
}

interface Found {
  nodeId: NodeId;
  path: string[];
  parentIsVariable: boolean;
}

/** HasProperty (i=46). An object's properties (a machine's Manufacturer, SerialNumber) are points; a variable's (EURange, EngineeringUnits, EnumStrings…) describe it. */
function isHasProperty(id: NodeId): boolean {
  return id.namespace === 0 && id.value === 46;
}

async function walk(
  session: ClientSession,
  endpointUrl: string,
  root: NodeId,
  o: DiscoverOptions,
): Promise<DiscoveryResult> {
  const maxDepth = o.depth ?? 4;
  const maxPoints = o.maxPoints ?? 5000;
  const maxNodes = o.maxNodes ?? 100_000;
  const variables: Found[] = [];
  const units = new Map<string, NodeId>(); // variable nodeId → its EngineeringUnits property
  const seen = new Set<string>([root.toString()]);
  const rootName =
    root.namespace === 0 && root.value === 85
      ? []
      : [
          (
            (await session.read({ nodeId: root, attributeId: AttributeIds.BrowseName })).value.value as {
              name?: string;
            } | null
          )?.name ?? root.toString(),
        ];
  let frontier: Found[] = [{ nodeId: root, path: rootName, parentIsVariable: false }];
  let truncated = false;
  let visited = 0;
  for (let depth = 0; depth < maxDepth && frontier.length > 0 && !truncated; depth++) {
    const results: BrowseResult[] = await browseAll(
      session,
      frontier.map((f) => ({
        nodeId: f.nodeId,
        browseDirection: BrowseDirection.Forward,
        referenceTypeId: "HierarchicalReferences",
        includeSubtypes: true,
        nodeClassMask: NodeClass.Object | NodeClass.Variable,
        resultMask: 63,
      })),
    );
    const next: Found[] = [];
    results.forEach((res, i) => {
      const parent = frontier[i];
      if (!parent) return;
      for (const ref of res.references ?? []) {
        const id = ref.nodeId.toString();
        if (seen.has(id) || (!o.includeServerObject && id === SERVER_OBJECT)) continue;
        if (visited >= maxNodes) {
          truncated = true;
          break;
        }
        seen.add(id);
        visited++;
        const name = ref.browseName.name ?? id;
        if (parent.parentIsVariable && isHasProperty(ref.referenceTypeId)) {
          if (name === "EngineeringUnits") units.set(parent.nodeId.toString(), resolveNodeId(id));
          continue; // a variable's properties (EURange, EngineeringUnits, …) describe it; not points
        }
        // Components of a variable (ServerStatus.CurrentTime, a structure's fields exposed as
        // variables) are points of their own.
        const found = {
          nodeId: resolveNodeId(id),
          path: [...parent.path, name],
          parentIsVariable: ref.nodeClass === NodeClass.Variable,
        };
        if (ref.nodeClass === NodeClass.Variable) {
          if (variables.length >= maxPoints) {
            truncated = true;
            continue;
          }
          variables.push(found);
        }
        next.push(found);
      }
    });
    frontier = next;
    o.onProgress?.({ depth: depth + 1, nodesVisited: visited, variables: variables.length });
  }
  // properties of the deepest variables (for their units)
  if (frontier.length > 0 && !truncated)
    await collectUnits(
      session,
      frontier.filter((f) => f.parentIsVariable),
      units,
    );
  return { endpointUrl, points: await describe(session, variables, units), truncated, nodesVisited: visited };
}

async function collectUnits(
  session: ClientSession,
  vars: Found[],
  units: Map<string, NodeId>,
): Promise<void> {
  if (vars.length === 0) return;
  const results = await browseAll(
    session,
    vars.map((v) => ({
      nodeId: v.nodeId,
      browseDirection: BrowseDirection.Forward,
      referenceTypeId: "HasProperty",
      includeSubtypes: true,
      nodeClassMask: NodeClass.Variable,
      resultMask: 63,
    })),
  );
  results.forEach((res, i) => {
    const eu = res.references?.find((r) => r.browseName.name === "EngineeringUnits");
    const v = vars[i];
    if (eu && v) units.set(v.nodeId.toString(), eu.nodeId);
  });
}

async function describe(
  session: ClientSession,
  vars: Found[],
  units: Map<string, NodeId>,
): Promise<DiscoveredPoint[]> {
  const attrs = [
    AttributeIds.DataType,
    AttributeIds.ValueRank,
    AttributeIds.AccessLevel,
    AttributeIds.UserAccessLevel,
    AttributeIds.Description,
  ];
  const reads = vars.flatMap((v) => attrs.map((attributeId) => ({ nodeId: v.nodeId, attributeId })));
  const values = reads.length ? await readChunked(session, reads) : [];
  const unitIds = vars.map((v) => units.get(v.nodeId.toString()));
  const unitValues = await readChunked(
    session,
    unitIds.flatMap((u) => (u ? [{ nodeId: u, attributeId: AttributeIds.Value }] : [])),
  );
  const typeNames = await dataTypeNames(
    session,
    vars.map((_, i) => values[i * attrs.length]?.value.value as NodeId | undefined),
  );
  const ids = new Set<string>();
  let u = 0;
  return vars.map((v, i) => {
    const at = (k: number) => values[i * attrs.length + k]?.value.value;
    const access = Number(at(3) ?? at(2) ?? 0);
    const unitDv = unitIds[i] ? unitValues[u++] : undefined;
    const unit =
      (unitDv?.value.value as { displayName?: { text?: string | null } } | null)?.displayName?.text ??
      undefined;
    const description = (at(4) as { text?: string | null } | null)?.text ?? undefined;
    return {
      id: uniqueId(v.path, ids),
      nodeId: v.nodeId.toString(),
      browsePath: v.path.join("/"),
      dataType: typeNames[i] ?? "Unknown",
      valueRank: Number(at(1) ?? -1),
      ...(unit ? { unit } : {}),
      access: (access & 3) === 3 ? "readwrite" : access & 1 ? "read" : access & 2 ? "write" : "none",
      ...(description ? { description } : {}),
    };
  });
}

async function readChunked(session: ClientSession, nodes: { nodeId: NodeId; attributeId: number }[]) {
  const out = [];
  for (let i = 0; i < nodes.length; i += 1000) out.push(...(await session.read(nodes.slice(i, i + 1000))));
  return out;
}

async function dataTypeNames(
  session: ClientSession,
  ids: (NodeId | undefined)[],
): Promise<(string | undefined)[]> {
  const custom = [
    ...new Set(
      ids.filter((id): id is NodeId => !!id && !(id.namespace === 0 && Number(id.value) <= 25)).map(String),
    ),
  ];
  const names = new Map<string, string>();
  if (custom.length) {
    const dvs = await readChunked(
      session,
      custom.map((id) => ({ nodeId: resolveNodeId(id), attributeId: AttributeIds.BrowseName })),
    );
    for (const [i, id] of custom.entries())
      names.set(id, (dvs[i]?.value.value as { name?: string } | null)?.name ?? id);
  }
  return ids.map((id) => {
    if (!id) return undefined;
    if (id.namespace === 0 && Number(id.value) <= 25) return DataType[Number(id.value)];
    return names.get(id.toString());
  });
}

function uniqueId(path: string[], taken: Set<string>): string {
  const base =
    path
      .map((p) => p.replace(/[^A-Za-z0-9_-]+/g, "_"))
      .join(".")
      .slice(0, 190) || "point";
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}~${n}`;
  taken.add(id);
  return id;
}
