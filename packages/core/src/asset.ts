import { z } from "zod";
import { CreditCode } from "./credit-code-schema.ts";
import { IndustryCode } from "./industry.ts";

/**
 * The asset tree: city → park → enterprise → line → machine → point.
 * Keys are stable, human-chosen identifiers (a gateway config names machines by key);
 * machine keys are unique across the whole brain.
 */
export const AssetKey = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    "use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
  );
export type AssetKey = z.infer<typeof AssetKey>;

export const City = z.object({
  key: AssetKey,
  name: z.string().min(1).max(100),
  nameEn: z.string().max(100).optional(),
  timeZone: z.string().default("Asia/Shanghai"),
});
export type City = z.infer<typeof City>;

export const Park = z.object({
  key: AssetKey,
  cityKey: AssetKey,
  name: z.string().min(1).max(100),
  nameEn: z.string().max(100).optional(),
});
export type Park = z.infer<typeof Park>;

export const Enterprise = z.object({
  key: AssetKey,
  parkKey: AssetKey,
  name: z.string().min(1).max(200),
  nameEn: z.string().max(200).optional(),
  creditCode: CreditCode,
  industryCode: IndustryCode,
  /** 规上: above designated size (annual revenue ≥ 20 million CNY). */
  aboveScale: z.boolean().default(false),
  /** Production machines the enterprise declares it has (denominator of 设备联网率). */
  declaredMachines: z.number().int().nonnegative().default(0),
  timeZone: z.string().default("Asia/Shanghai"),
});
export type Enterprise = z.infer<typeof Enterprise>;

export const Line = z.object({
  key: AssetKey,
  enterpriseKey: AssetKey,
  name: z.string().min(1).max(100),
});
export type Line = z.infer<typeof Line>;

export const MACHINE_KINDS = [
  "printing-press",
  "industrial-robot",
  "cnc",
  "boiler",
  "generic-machine",
] as const;
export const MachineKind = z.enum(MACHINE_KINDS);
export type MachineKind = z.infer<typeof MachineKind>;

export const Machine = z.object({
  key: AssetKey,
  enterpriseKey: AssetKey,
  lineKey: AssetKey.optional(),
  name: z.string().min(1).max(100),
  kind: MachineKind.default("generic-machine"),
  /** Counts toward 设备联网率 (production machines, not e.g. air compressors). */
  production: z.boolean().default(true),
});
export type Machine = z.infer<typeof Machine>;

export const Point = z.object({
  key: z.string().min(1).max(200),
  machineKey: AssetKey,
  unit: z.string().max(32).optional(),
  dataType: z.string().max(32).optional(),
});
export type Point = z.infer<typeof Point>;
