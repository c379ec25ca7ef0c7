import { PointBase } from "@weft/connector-sdk";
import { z } from "zod";

/** A point is a value inside the JSON document, addressed by a dotted path (`boiler.pressure`, `burners[1].on`). */
export const HttpJsonPoint = PointBase.extend({
  path: z
    .string()
    .regex(
      /^[A-Za-z0-9_$-]+(\[\d+\])*(\.[A-Za-z0-9_$-]+(\[\d+\])*)*$/,
      "use a dotted path such as boiler.pressure or burners[0].on",
    ),
  /** Expected JSON type; a value of another type is reported with `bad` quality. Default: any. */
  type: z.enum(["number", "string", "boolean", "any"]).default("any"),
});
export type HttpJsonPoint = z.output<typeof HttpJsonPoint>;

export const HttpJsonConfig = z.object({
  /** The device's JSON endpoint, e.g. http://10.0.0.7/status.json. */
  url: z.url({ protocol: /^https?$/, error: "use an http:// or https:// URL" }),
  intervalMs: z.number().int().min(50).max(86_400_000).default(1000),
  timeoutMs: z.number().int().min(10).max(60_000).default(2000),
  headers: z.record(z.string(), z.string()).default({}),
  /** Dotted path of a source timestamp (epoch ms or ISO string) in the document; default: receive time. */
  timestampPath: z.string().optional(),
  reconnect: z
    .object({
      initialMs: z.number().int().min(1).default(250),
      maxMs: z.number().int().min(1).default(30_000),
    })
    .prefault({}),
  points: z.array(HttpJsonPoint).min(1, "configure at least one point"),
});
export type HttpJsonConfig = z.output<typeof HttpJsonConfig>;
