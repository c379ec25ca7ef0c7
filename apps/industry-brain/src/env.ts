import { z } from "zod";
import { parseTrustProxy } from "./http/proxy.ts";

/**
 * The ONE place that reads `process.env`. Everything else receives settings as arguments.
 */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to bind: loopback unless set on purpose (the same default as `startBrain`). */
  HOST: z.string().min(1).default("127.0.0.1"),
  /** PostgreSQL URL; when unset the brain uses embedded PGlite in WEFT_DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  WEFT_DATA_DIR: z.string().default(".weft/brain"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Directory with park-admin's built files (index.html, assets/). */
  WEFT_STATIC_DIR: z.string().optional(),
  WEFT_SESSION_COOKIE: z.string().min(1).default("weft_session"),
  WEFT_SESSION_TTL_H: z.coerce
    .number()
    .positive()
    .default(24 * 7),
  /**
   * `true`: the session cookie is always `Secure`. It is anyway when the request came over HTTPS,
   * as a trusted proxy says with `X-Forwarded-Proto: https`.
   */
  WEFT_COOKIE_SECURE: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  /** Alert webhooks to loopback/private addresses (an on-premises DingTalk/WeCom gateway); refused by default. */
  WEFT_WEBHOOK_ALLOW_PRIVATE: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  WEFT_RAW_RETENTION_DAYS: z.coerce.number().int().positive().default(90),
  /** MQTT ingest (Sparkplug B host and Neuron): the broker, `mqtt://` or `mqtts://`. Unset: HTTP only. */
  WEFT_MQTT_URL: z
    .string()
    .regex(/^mqtts?:\/\/./, "use mqtt://host:1883 or mqtts://host:8883")
    .optional(),
  /** Sparkplug host id (STATE topic); brains sharing the ingest use the same one. */
  WEFT_MQTT_HOST_ID: z
    .string()
    .regex(/^[^/+#]+$/, "no '/', '+' or '#'")
    .default("weft-brain"),
  /** Sparkplug groups to ingest, comma-separated. */
  WEFT_MQTT_GROUPS: z
    .string()
    .default("weft")
    .transform((v) =>
      v
        .split(",")
        .map((g) => g.trim())
        .filter(Boolean),
    ),
  /** Share DATA with other brains: the MQTT 5 shared-subscription group name. */
  WEFT_MQTT_SHARE: z
    .string()
    .regex(/^[^/+#]+$/, "no '/', '+' or '#'")
    .optional(),
  WEFT_MQTT_USERNAME: z.string().optional(),
  WEFT_MQTT_PASSWORD: z.string().optional(),
  /** PEM files for mqtts://: the broker's CA, and a client certificate and key. */
  WEFT_MQTT_CA: z.string().optional(),
  WEFT_MQTT_CERT: z.string().optional(),
  WEFT_MQTT_KEY: z.string().optional(),
  /** Mapping file for EMQ Neuron uploads (docs/mqtt.md#neuron). */
  WEFT_NEURON_MAP: z.string().optional(),
  /**
   * Reverse proxies whose `X-Forwarded-For`/`-Proto` the brain believes: a hop count (`1`), or
   * addresses and CIDRs (`10.0.0.0/8,127.0.0.1`, `loopback`, `private`). Unset: both are ignored.
   */
  WEFT_TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, c) => {
      try {
        return parseTrustProxy(v);
      } catch (err) {
        c.addIssue({ code: "custom", message: (err as Error).message.replace(/^WEFT_TRUST_PROXY: /, "") });
        return z.NEVER;
      }
    }),
});
export type Env = z.infer<typeof EnvSchema>;

/** Parse the environment (defaults to `process.env`); throws a readable error naming the variable. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid environment:\n  ${lines.join("\n  ")}`);
  }
  return parsed.data;
}
