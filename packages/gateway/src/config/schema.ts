import { AssetKey } from "@weft/core";
import { z } from "zod";
import { ByteSize, Duration } from "./units.ts";

/** A point as written in a config: connector-specific fields, `id` required. */
export const PointEntry = z
  .looseObject({ id: z.string().min(1).max(200) })
  .meta({ description: "One point; the other fields depend on the connector (see its README)" });

export const PointsSource = z.union([
  z.array(PointEntry).min(1, "a device needs at least one point"),
  z.strictObject({ file: z.string().min(1).meta({ description: "YAML device file with a `points:` list" }) }),
  z.strictObject({
    csv: z.string().min(1).meta({ description: "CSV with a header row; one point per row" }),
  }),
]);

/** Keys of a device entry the gateway itself reads; every other key is a connector setting. */
export const DEVICE_KEYS = ["id", "machine", "connector", "points", "profile", "bind", "enabled"] as const;

export const DeviceConfig = z
  .looseObject({
    id: AssetKey.meta({ description: "Device id, unique in this gateway" }),
    machine: AssetKey.optional().meta({ description: "Machine key in the brain (default: the device id)" }),
    connector: z.string().min(1).optional().meta({
      description:
        "Connector kind: modbus, opcua, or an npm package exporting a connector (default: the device file's `kind`)",
    }),
    points: PointsSource,
    profile: z.string().min(1).optional().meta({
      description: "Device profile: printing-press, industrial-robot, generic-machine, or a YAML path",
    }),
    bind: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: "Profile input name → this device's point id, when they differ" }),
    enabled: z.boolean().default(true),
  })
  .meta({
    description:
      "A device. Keys other than id/machine/connector/points/profile/bind/enabled are the connector's settings (e.g. modbus: connection, unitId, intervalMs; opcua: endpointUrl, security)",
  });
export type DeviceConfig = z.infer<typeof DeviceConfig>;

export const BufferConfig = z.strictObject({
  maxBytes: ByteSize.default(256 * 1024 * 1024),
  segmentBytes: ByteSize.default(8 * 1024 * 1024),
  fsync: z
    .enum(["batch", "interval", "off"])
    .default("batch")
    .meta({ description: "batch: fsync every batch; interval: every fsyncInterval; off: the OS decides" }),
  fsyncInterval: Duration.default(1000),
  whenFull: z
    .enum(["drop-oldest", "reject-new"])
    .default("drop-oldest")
    .meta({ description: "Policy at maxBytes; both count and report what was dropped" }),
});

const SparkplugId = z
  .string()
  .regex(/^[^/+#]{1,64}$/, "1-64 characters without '/', '+' or '#' (Sparkplug ids are MQTT topic levels)");

export const UplinkConfig = z.strictObject({
  kind: z.enum(["brain", "sparkplug"]).default("brain").meta({
    description:
      "brain: ingest.push to the brain over HTTP (the `brain` section); sparkplug: a Sparkplug B edge node on an MQTT broker",
  }),
  broker: z
    .string()
    .regex(/^mqtts?:\/\/./, "use mqtt://host:1883 or mqtts://host:8883")
    .optional()
    .meta({ description: "sparkplug: the MQTT broker, mqtt:// or mqtts:// (TLS)" }),
  groupId: SparkplugId.optional().meta({ description: "sparkplug: the Sparkplug group id" }),
  edgeNodeId: SparkplugId.optional().meta({
    description:
      "sparkplug: the edge node id (default: the gateway id; the brain maps it to the registered gateway)",
  }),
  primaryHostId: z
    .union([SparkplugId, z.literal(false)])
    .default("weft-brain")
    .meta({
      description:
        "sparkplug: hold data in the buffer while this host's spBv1.0/STATE/<id> is offline (false: do not wait for a host)",
    }),
  username: z.string().optional().meta({ description: "sparkplug: this gateway's MQTT user name" }),
  password: z.string().optional().meta({
    // biome-ignore lint/suspicious/noTemplateCurlyInString: YAML ${ENV} syntax
    description: "sparkplug: its MQTT password (e.g. ${WEFT_MQTT_PASSWORD})",
  }),
  ca: z.string().optional().meta({ description: "sparkplug: PEM file of the broker's CA (mqtts://)" }),
  cert: z
    .string()
    .optional()
    .meta({ description: "sparkplug: PEM client certificate, when the broker asks for one" }),
  key: z.string().optional().meta({ description: "sparkplug: PEM key of the client certificate" }),
  receiptTimeout: Duration.default(15_000).meta({
    description: "sparkplug: resend DATA the brain has not confirmed storing within this time",
  }),
  uns: z
    .strictObject({ base: z.string().min(1).meta({ description: "e.g. acme/site-1/area-2" }) })
    .optional()
    .meta({ description: "sparkplug: also publish plain JSON at <base>/<machine>/<signal or point>" }),
  maxBatchReadings: z.number().int().min(1).max(50_000).default(5000),
  maxBatchAge: Duration.default(1000),
  maxInFlight: z.number().int().min(1).max(16).default(2).meta({
    description:
      "Uploads at once; the brain dedupes in any order, stores a gateway's overlapping uploads in seq order (one brain process) and the buffer is acknowledged in order. 2 lets the brain parse one upload while PostgreSQL stores the other: a backlog drained ~2.6x faster (bench replay)",
  }),
  maxUploadReadings: z.number().int().min(1).max(50_000).default(20_000).meta({
    description:
      "A backlog (after an outage) goes to the brain in uploads of up to this many readings, whole buffered batches merged; sparkplug: up to twice this many readings are in flight unconfirmed",
  }),
  retryInitial: Duration.default(500),
  retryMax: Duration.default(30_000),
  timeout: Duration.default(30_000),
});

export const BrainConfig = z.strictObject({
  url: z.url().meta({ description: "tRPC endpoint of the brain, e.g. http://brain:4000/trpc" }),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows YAML's ${ENV} syntax
  apiKey: z.string().min(1, "set the gateway's API key (e.g. apiKey: ${WEFT_API_KEY})"),
  compression: z.enum(["gzip", "none"]).default("gzip"),
});

export const HealthConfig = z.strictObject({
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(9464),
});

export const GatewayConfig = z
  .strictObject({
    $schema: z.string().optional(),
    gateway: z.strictObject({
      id: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "use 1-64 letters, digits, '.', '_' or '-'")
        .meta({ description: "This gateway's id; the brain dedupes on (id, seq)" }),
      dataDir: z.string().default("./weft-data").meta({ description: "Buffer and state directory" }),
    }),
    brain: BrainConfig.optional(),
    buffer: BufferConfig.prefault({}),
    uplink: UplinkConfig.prefault({}),
    health: z.union([HealthConfig, z.literal(false)]).prefault({}),
    devices: z.array(DeviceConfig).min(1, "configure at least one device"),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.devices.forEach((d, i) => {
      const first = seen.get(d.id);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["devices", i, "id"],
          message: `duplicate device id "${d.id}" (also devices[${first}]): give each device its own id`,
        });
      else seen.set(d.id, i);
    });
    if (cfg.uplink.kind === "sparkplug")
      for (const k of ["broker", "groupId"] as const)
        if (!cfg.uplink[k])
          ctx.addIssue({
            code: "custom",
            path: ["uplink", k],
            message: `uplink.kind sparkplug needs uplink.${k} (e.g. ${k === "broker" ? "mqtt://broker:1883" : "plant-a"})`,
          });
    if (cfg.buffer.maxBytes < 2 * cfg.buffer.segmentBytes)
      ctx.addIssue({
        code: "custom",
        path: ["buffer", "maxBytes"],
        message: `must be at least two segments (2 × segmentBytes = ${2 * cfg.buffer.segmentBytes} bytes): raise maxBytes or lower segmentBytes`,
      });
  });
export type GatewayConfig = z.output<typeof GatewayConfig>;
export type GatewayConfigInput = z.input<typeof GatewayConfig>;
