import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DataType,
  MessageSecurityMode,
  NodeClass,
  nodesets,
  ObjectIds,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  type UAVariable,
  VariableIds,
  Variant,
} from "node-opcua";
import { addPress, type PressPublisher } from "./address-space.ts";
import { PressModel, type PressSnapshot, type PressTuning } from "./model.ts";
import { PRESS_NAMESPACE_URI, pressName } from "./nodes.ts";
import { deriveSeed } from "./prng.ts";

export const SECURITY_MODES = ["None", "Sign", "SignAndEncrypt"] as const;
export type SecurityModeName = (typeof SECURITY_MODES)[number];
export const SECURITY_POLICIES = [
  "None",
  "Basic256Sha256",
  "Aes128_Sha256_RsaOaep",
  "Aes256_Sha256_RsaPss",
] as const;
export type SecurityPolicyName = (typeof SECURITY_POLICIES)[number];

export interface PressUser {
  username: string;
  password: string;
}

export interface PressServerOptions {
  /** TCP port; 0 picks a free one. Default 4841. */
  port?: number;
  /** Host name advertised in endpoint URLs. Default: the machine's host name. */
  hostname?: string;
  /** PRNG seed; the same seed gives the same production history. Default 1. */
  seed?: number;
  /** Time factor: simulated seconds per wall-clock second. Default 1. */
  speed?: number;
  /** Number of presses (a printing line) in this server. Default 1. */
  presses?: number;
  /** Security modes offered. Default all three. */
  securityModes?: readonly SecurityModeName[];
  /** Security policies offered (besides None). Default Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss. */
  securityPolicies?: readonly Exclude<SecurityPolicyName, "None">[];
  allowAnonymous?: boolean;
  /** Users for username/password identity. Default one user `operator` / `press`. */
  users?: readonly PressUser[];
  /** PKI folder of the server (its certificate is created once and kept). Default: a fresh temp dir. */
  pkiFolder?: string;
  /** Trust every client (and X.509 user) certificate. Default true: it is a simulator. */
  acceptUnknownCertificates?: boolean;
  /** Bench mode: also expose N UInt32 counters `ns=1;s=Counter.<i>` incremented every second. */
  counters?: number;
  /** Server limits, e.g. to exercise client-side subscription sharding. */
  limits?: {
    maxMonitoredItemsPerSubscription?: number;
    maxSubscriptionsPerSession?: number;
    maxSessions?: number;
    /** false: enforce maxMonitoredItemsPerSubscription but publish 0 ("no limit"), like many real servers. */
    advertise?: boolean;
  };
  /**
   * Serve a reduced namespace 0 like open62541's default build: the Server object's
   * ServerCapabilities/OperationLimits nodes are removed, so a client reading them gets
   * BadNodeIdUnknown (node-opcua then prints a warning block per node). Default false.
   */
  reducedNamespace0?: boolean;
  /** Wall-clock update period of the simulation. Default 200 ms. */
  updateIntervalMs?: number;
  tuning?: Partial<PressTuning>;
  /** "running": the presses start mid-job at speed instead of warming up (default "cold"). */
  start?: "cold" | "running";
}

export interface PressServer {
  endpointUrl: string;
  port: number;
  pkiFolder: string;
  /** PEM/DER file of the server's own certificate. */
  certificateFile: string;
  /** Current values of press `index` (0-based). */
  snapshot(index: number): PressSnapshot;
  models: readonly PressModel[];
  /** Stops the simulation and shuts the server down (no grace period). */
  close(): Promise<void>;
}

const DEFAULT_USERS: readonly PressUser[] = [{ username: "operator", password: "press" }];

/**
 * Start a printing-press OPC UA server.
 * @example
 * const sim = await startPressServer({ port: 0, seed: 1, speed: 60, presses: 3 });
 * console.log(sim.endpointUrl); // opc.tcp://host:PORT/UA/Press
 * await sim.close();
 */
export async function startPressServer(options: PressServerOptions = {}): Promise<PressServer> {
  const seed = options.seed ?? 1;
  const speed = options.speed ?? 1;
  const presses = options.presses ?? 1;
  if (!Number.isInteger(presses) || presses < 1 || presses > 100)
    throw new RangeError("presses must be 1..100");
  if (!(speed > 0)) throw new RangeError("speed must be > 0");
  // a temp PKI (no folder given) is removed on close; a given folder keeps the certificate across restarts
  const ownsPki = options.pkiFolder === undefined;
  const pkiFolder = options.pkiFolder ?? (await mkdtemp(join(tmpdir(), "weft-press-pki-")));
  const accept = options.acceptUnknownCertificates ?? true;
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: join(pkiFolder, "server"),
    automaticallyAcceptUnknownCertificate: accept,
  });
  const userCertificateManager = new OPCUACertificateManager({
    rootFolder: join(pkiFolder, "users"),
    automaticallyAcceptUnknownCertificate: accept,
  });
  await serverCertificateManager.initialize();
  await userCertificateManager.initialize();
  const users = options.users ?? DEFAULT_USERS;
  const modes = options.securityModes ?? SECURITY_MODES;
  const policies = options.securityPolicies ?? [
    "Basic256Sha256",
    "Aes128_Sha256_RsaOaep",
    "Aes256_Sha256_RsaPss",
  ];
  const limits = options.limits ?? {};
  const server = new OPCUAServer({
    port: options.port ?? 4841,
    ...(options.hostname ? { hostname: options.hostname } : {}),
    resourcePath: "/UA/Press",
    buildInfo: {
      productName: "Weft printing-press simulator",
      manufacturerName: "Weft",
      softwareVersion: "0.1.0",
    },
    serverInfo: { applicationUri: PRESS_NAMESPACE_URI, productUri: PRESS_NAMESPACE_URI },
    nodeset_filename: [nodesets.standard],
    serverCertificateManager,
    userCertificateManager,
    securityModes: modes.map((m) => MessageSecurityMode[m]),
    securityPolicies: ["None", ...policies].map((p) => SecurityPolicy[p as SecurityPolicyName]),
    allowAnonymous: options.allowAnonymous ?? true,
    userManager: {
      isValidUser: (username: string, password: string) =>
        users.some((u) => u.username === username && u.password === password),
    },
    maxConnectionsPerEndpoint: 100,
    serverCapabilities: {
      maxSessions: limits.maxSessions ?? 100,
      maxSubscriptionsPerSession: limits.maxSubscriptionsPerSession ?? 1000,
      maxMonitoredItemsPerSubscription: limits.maxMonitoredItemsPerSubscription ?? 100_000,
      maxMonitoredItems: 1_000_000,
      maxSubscriptions: 10_000,
      operationLimits: {
        maxMonitoredItemsPerCall: 10_000,
        maxNodesPerRead: 10_000,
        maxNodesPerBrowse: 1_000,
      },
    },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error("press simulator: address space not created");
  if (limits.advertise === false) hideMonitoredItemLimit(addressSpace);
  if (options.reducedNamespace0) removeOperationLimits(addressSpace);
  const ns = addressSpace.getOwnNamespace();
  const models: PressModel[] = [];
  const publishers: PressPublisher[] = [];
  for (let i = 0; i < presses; i++) {
    const model = new PressModel(deriveSeed(seed, i), `${pressName(i)}-J`, options.tuning, options.start);
    models.push(model);
    publishers.push(
      addPress(addressSpace, ns, i, model, {
        manufacturer: "Weft Press Works",
        model: "WP-74 sheet-fed offset",
        serialNumber: `WP74-${String(seed).padStart(4, "0")}-${String(i + 1).padStart(3, "0")}`,
        productInstanceUri: `urn:weft:press:${seed}:${i + 1}`,
      }),
    );
  }
  const counters = addCounters(addressSpace, ns, options.counters ?? 0);
  await server.start();

  const started = Date.now();
  let simDone = 0;
  const tick = () => {
    const now = new Date();
    const due = Math.floor(((now.getTime() - started) / 1000) * speed);
    const steps = due - simDone;
    simDone = due;
    models.forEach((m, i) => {
      m.advance(steps);
      publishers[i]?.(m.snapshot(), now);
    });
  };
  tick();
  const timer = setInterval(tick, options.updateIntervalMs ?? 200);
  timer.unref();

  const endpoint = server.endpoints[0]?.endpointDescriptions()[0];
  const endpointUrl = endpoint?.endpointUrl ?? server.getEndpointUrl();
  const port = Number(new URL(endpointUrl.replace(/^opc\.tcp:/, "http:")).port);
  let closed = false;
  return {
    endpointUrl,
    port,
    pkiFolder,
    certificateFile: join(serverCertificateManager.rootDir, "own", "certs", "certificate.pem"),
    models,
    snapshot: (index) => {
      const m = models[index];
      if (!m) throw new RangeError(`no press ${index}`);
      return m.snapshot();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      counters.stop();
      await server.shutdown(0);
      await serverCertificateManager.dispose();
      await userCertificateManager.dispose();
      if (ownsPki) await rm(pkiFolder, { recursive: true, force: true });
    },
  };
}

/** What open62541 leaves out by default: the OperationLimits object and every variable in it. */
function removeOperationLimits(addressSpace: NonNullable<OPCUAServer["engine"]["addressSpace"]>): void {
  const limits = addressSpace.findNode(`i=${ObjectIds.Server_ServerCapabilities_OperationLimits}`);
  if (limits) addressSpace.deleteNode(limits);
}

function hideMonitoredItemLimit(addressSpace: NonNullable<OPCUAServer["engine"]["addressSpace"]>): void {
  const node = addressSpace.findNode(
    `i=${VariableIds.Server_ServerCapabilities_MaxMonitoredItemsPerSubscription}`,
  );
  if (node && node.nodeClass === NodeClass.Variable)
    (node as UAVariable).bindVariable(
      { get: () => new Variant({ dataType: DataType.UInt32, value: 0 }) },
      true,
    );
}

function addCounters(
  addressSpace: NonNullable<OPCUAServer["engine"]["addressSpace"]>,
  ns: ReturnType<NonNullable<OPCUAServer["engine"]["addressSpace"]>["getOwnNamespace"]>,
  n: number,
): { stop(): void } {
  if (n <= 0) return { stop: () => {} };
  const folder = ns.addFolder(addressSpace.rootFolder.objects, {
    browseName: "Counters",
    nodeId: "s=Counters",
  });
  const vars: UAVariable[] = [];
  for (let i = 0; i < n; i++) {
    vars.push(
      ns.addVariable({
        organizedBy: folder,
        browseName: `Counter${i}`,
        nodeId: `s=Counter.${i}`,
        dataType: "UInt32",
        minimumSamplingInterval: 0,
        value: { dataType: DataType.UInt32, value: 0 },
      }),
    );
  }
  let value = 0;
  const timer = setInterval(() => {
    value = (value + 1) >>> 0;
    const now = new Date();
    const v = new Variant({ dataType: DataType.UInt32, value });
    for (const variable of vars) variable.setValueFromSource(v, StatusCodes.Good, now);
  }, 1000);
  return { stop: () => clearInterval(timer) };
}
