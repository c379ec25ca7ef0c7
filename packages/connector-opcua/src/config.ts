import { PointBase } from "@weft/connector-sdk";
import { resolveNodeId } from "node-opcua";
import { z } from "zod";

export const SECURITY_MODES = ["None", "Sign", "SignAndEncrypt"] as const;
export type SecurityModeName = (typeof SECURITY_MODES)[number];
export const SECURITY_POLICIES = [
  "None",
  "Basic256Sha256",
  "Aes128_Sha256_RsaOaep",
  "Aes256_Sha256_RsaPss",
] as const;
export type SecurityPolicyName = (typeof SECURITY_POLICIES)[number];

/** `opc.tcp://host:port[/path]`. */
export const EndpointUrl = z.string().refine(isOpcTcpUrl, {
  message: "must be an OPC UA endpoint URL like opc.tcp://host:4840 or opc.tcp://host:4840/path",
});

function isOpcTcpUrl(url: string): boolean {
  const m = /^opc\.tcp:\/\/([^/:]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?(\/.*)?$/.exec(url);
  if (!m) return false;
  return m[2] === undefined || (Number(m[2]) > 0 && Number(m[2]) < 65536);
}

/** Parses with node-opcua's own parser: `ns=1;s=Press1.Speed`, `i=2258`, `ns=2;g=…`, `ns=3;b=…`. */
export const NodeIdString = z.string().superRefine((value, ctx) => {
  try {
    resolveNodeId(value);
  } catch (e) {
    ctx.addIssue({
      code: "custom",
      message: `nodeId "${value}" does not parse (${e instanceof Error ? e.message : String(e)}); use e.g. ns=1;s=Press1.Speed or i=2258`,
    });
  }
});

export const Security = z
  .object({
    mode: z.enum(SECURITY_MODES).default("None"),
    /** Defaults to Basic256Sha256 when mode is not None. */
    policy: z.enum(SECURITY_POLICIES).optional(),
  })
  .transform((s) => ({ mode: s.mode, policy: s.policy ?? (s.mode === "None" ? "None" : "Basic256Sha256") }))
  .superRefine((s, ctx) => {
    if ((s.mode === "None") !== (s.policy === "None"))
      ctx.addIssue({
        code: "custom",
        path: ["policy"],
        message: `policy ${s.policy} does not go with mode ${s.mode} (None goes only with None)`,
      });
  });
export type Security = z.output<typeof Security>;

export const Identity = z.discriminatedUnion("type", [
  z.object({ type: z.literal("anonymous") }),
  z.object({ type: z.literal("username"), username: z.string().min(1), password: z.string() }),
  z.object({
    type: z.literal("certificate"),
    /** PEM or DER X.509 user certificate. */
    certificateFile: z.string().min(1),
    /** PEM private key of that certificate. */
    privateKeyFile: z.string().min(1),
  }),
]);
export type Identity = z.output<typeof Identity>;

export const Pki = z.object({
  /** Holds own/, trusted/, rejected/ (node-opcua layout). The client certificate is created once here. */
  folder: z.string().min(1).default("./pki/opcua"),
  /** Trust any server certificate on first sight (never in production). */
  acceptUnknownServerCertificate: z.boolean().default(false),
  applicationName: z.string().min(1).default("Weft Gateway"),
  /** Warn when the client certificate expires within this many days. */
  renewWarningDays: z.number().int().positive().default(30),
});

export const OpcuaPoint = PointBase.extend({
  nodeId: NodeIdString,
  /** Sampling interval requested for this item; default `acquisition.samplingIntervalMs`. */
  samplingIntervalMs: z.number().int().nonnegative().optional(),
  queueSize: z.number().int().positive().max(10_000).default(1),
  discardOldest: z.boolean().default(true),
  /** `deadband` (from PointBase) is applied by the server: absolute units or percent of the EU range. */
  deadbandType: z.enum(["absolute", "percent"]).default("absolute"),
});
export type OpcuaPoint = z.output<typeof OpcuaPoint>;

export const Acquisition = z.object({
  /** `auto`: subscriptions, falling back to polling when the server has none. */
  mode: z.enum(["auto", "subscribe", "poll"]).default("auto"),
  publishingIntervalMs: z.number().int().positive().default(1000),
  samplingIntervalMs: z.number().int().nonnegative().default(1000),
  pollIntervalMs: z.number().int().positive().default(1000),
  /** Overrides the server's limits (when unknown or lower). */
  maxMonitoredItemsPerSubscription: z.number().int().positive().optional(),
  maxNotificationsPerPublish: z.number().int().positive().optional(),
  maxNodesPerRead: z.number().int().positive().optional(),
});

export const OpcuaConfig = z
  .object({
    endpointUrl: EndpointUrl,
    security: Security.default({ mode: "None", policy: "None" }),
    identity: Identity.default({ type: "anonymous" }),
    pki: Pki.default(Pki.parse({})),
    points: z.array(OpcuaPoint).max(200_000).default([]),
    acquisition: Acquisition.default(Acquisition.parse({})),
    /** Which timestamp a reading carries: the device's (source), the server's, or the gateway's receive time. */
    timestamps: z.enum(["source", "server", "gateway"]).default("source"),
    /** A heartbeat on Server.ServerStatus.CurrentTime; no beat for 3 periods means a stale session. */
    heartbeatIntervalMs: z.number().int().min(100).default(5000),
    requestTimeoutMs: z.number().int().positive().default(10_000),
    reconnect: z
      .object({
        initialDelayMs: z.number().int().positive().default(1000),
        maxDelayMs: z.number().int().positive().default(30_000),
      })
      .default({ initialDelayMs: 1000, maxDelayMs: 30_000 }),
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.points.forEach((p, i) => {
      const first = seen.get(p.id);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["points", i, "id"],
          message: `duplicate point id "${p.id}" (also points[${first}])`,
        });
      else seen.set(p.id, i);
    });
  });
export type OpcuaConfig = z.output<typeof OpcuaConfig>;
export type OpcuaConfigInput = z.input<typeof OpcuaConfig>;
