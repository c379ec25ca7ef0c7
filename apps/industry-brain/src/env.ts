import { z } from "zod";

/**
 * The ONE place that reads `process.env`. Everything else receives settings as arguments.
 */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
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
  /** `true` behind HTTPS: the session cookie gets the Secure flag. */
  WEFT_COOKIE_SECURE: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  WEFT_RAW_RETENTION_DAYS: z.coerce.number().int().positive().default(90),
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
