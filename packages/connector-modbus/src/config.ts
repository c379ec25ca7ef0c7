import { PointBase } from "@weft/connector-sdk";
import { z } from "zod";
import { AREAS, DATA_TYPES, isBitArea, ORDERS, orderOf, registerCount } from "./types.ts";

/** Protocol limits per request. */
export const MAX_REGISTERS = 125;
export const MAX_BITS = 2000;

/**
 * One Modbus point. This is also the shape of a `points:` entry in a device file and of a CSV row.
 * `address` is in the device's addressing base (0- or 1-based, see `addressBase`).
 */
export const ModbusPoint = PointBase.extend({
  area: z.enum(AREAS, { error: () => `unknown area; use one of ${AREAS.join(", ")}` }),
  address: z.number().int().min(0, "must be ≥ 0").max(65536, "must be ≤ 65535 (≤ 65536 with addressBase 1)"),
  type: z.enum(DATA_TYPES, { error: () => `unknown type; use one of ${DATA_TYPES.join(", ")}` }).optional(),
  /** Byte layout of multi-register values; shorthand for byteOrder + wordOrder. */
  order: z.enum(ORDERS, { error: () => `unknown order; use one of ${ORDERS.join(", ")}` }).optional(),
  byteOrder: z.enum(["AB", "BA"]).optional(),
  wordOrder: z.enum(["big", "little"]).optional(),
  /** Bit 0..15 of a register, for `type: bool` in holding or input registers. */
  bit: z.number().int().min(0).max(15).optional(),
  /** Registers a `string` spans (two ASCII characters each). */
  length: z.number().int().min(1).max(MAX_REGISTERS).optional(),
  /** Poll group name (see `pollGroups`); default `default`. */
  group: z.string().min(1).max(64).optional(),
  /** Allow writes (coils and holding registers only). Default true there. */
  writable: z.boolean().optional(),
  description: z.string().max(500).optional(),
});
export type ModbusPoint = z.infer<typeof ModbusPoint>;

const host = z.string().min(1).max(255);
const tcpPort = z.number().int().min(1).max(65535);

export const TcpConnection = z.object({
  transport: z.literal("tcp"),
  host,
  port: tcpPort.default(502),
});
/** RTU frames (with CRC) over a TCP socket, e.g. to a serial device server. */
export const RtuOverTcpConnection = z.object({
  transport: z.literal("rtu-over-tcp"),
  host,
  port: tcpPort,
});
export const RtuConnection = z.object({
  transport: z.literal("rtu"),
  /** Serial device, e.g. `/dev/ttyUSB0` or `COM3`. */
  path: z.string().min(1),
  baudRate: z.number().int().positive().default(9600),
  parity: z.enum(["none", "even", "odd"]).default("none"),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
});
export const ModbusConnection = z.discriminatedUnion("transport", [
  TcpConnection,
  RtuOverTcpConnection,
  RtuConnection,
]);
export type ModbusConnection = z.infer<typeof ModbusConnection>;

export const ModbusLimits = z.object({
  /** Largest register block per request (≤ 125; lower for small PLCs). */
  maxRegisters: z.number().int().min(1).max(MAX_REGISTERS).default(MAX_REGISTERS),
  /** Largest coil/discrete block per request (≤ 2000). */
  maxBits: z.number().int().min(1).max(MAX_BITS).default(MAX_BITS),
  /** Largest run of unconfigured registers a block may read across. */
  maxGapRegisters: z.number().int().min(0).default(16),
  /** Largest run of unconfigured bits a block may read across. */
  maxGapBits: z.number().int().min(0).default(128),
});
export type ModbusLimits = z.infer<typeof ModbusLimits>;

export const ModbusConfig = z
  .object({
    connection: ModbusConnection,
    /** Unit id (slave address) 0..255. */
    unitId: z.number().int().min(0).max(255).default(1),
    /** Whether configured addresses count from 0 (protocol) or 1 (many PLC manuals). Shown in every message. */
    addressBase: z.union([z.literal(0), z.literal(1)]).default(0),
    /** Interval of the `default` poll group. */
    intervalMs: z.number().int().min(10).max(86_400_000).default(1000),
    pollGroups: z
      .record(z.string(), z.object({ intervalMs: z.number().int().min(10).max(86_400_000) }))
      .default({}),
    timeoutMs: z.number().int().min(10).max(60_000).default(1000),
    /** Extra attempts after a timeout or busy answer before the points turn `bad`. */
    retries: z.number().int().min(0).max(10).default(1),
    /** Requests in flight at once (TCP only; RTU is always 1). */
    maxInFlight: z.number().int().min(1).max(64).default(1),
    /** TCP: consecutive timeouts (no answer at all) before the connection is dropped and reopened. */
    timeoutsBeforeReconnect: z.number().int().min(1).default(3),
    limits: ModbusLimits.prefault({}),
    reconnect: z
      .object({
        initialMs: z.number().int().min(1).default(250),
        maxMs: z.number().int().min(1).default(30_000),
        factor: z.number().min(1).default(2),
        jitter: z.number().min(0).max(1).default(0.2),
      })
      .prefault({}),
    points: z.array(ModbusPoint).min(1, "configure at least one point"),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.limits.maxGapRegisters >= cfg.limits.maxRegisters) {
      ctx.addIssue({
        code: "custom",
        path: ["limits", "maxGapRegisters"],
        message: `gap ${cfg.limits.maxGapRegisters} must be smaller than the block limit maxRegisters ${cfg.limits.maxRegisters}`,
      });
    }
    if (cfg.limits.maxGapBits >= cfg.limits.maxBits) {
      ctx.addIssue({
        code: "custom",
        path: ["limits", "maxGapBits"],
        message: `gap ${cfg.limits.maxGapBits} must be smaller than the block limit maxBits ${cfg.limits.maxBits}`,
      });
    }
    const ids = new Set<string>();
    cfg.points.forEach((p, i) => {
      const issue = (field: string, message: string) =>
        ctx.addIssue({ code: "custom", path: ["points", i, field], message: `point "${p.id}": ${message}` });
      if (ids.has(p.id)) issue("id", "duplicate id");
      ids.add(p.id);
      checkPoint(p, cfg.addressBase, cfg.limits, issue);
      const group = p.group ?? "default";
      if (group !== "default" && !(group in cfg.pollGroups)) {
        issue("group", `unknown poll group "${group}"; define it under pollGroups`);
      }
    });
  });
export type ModbusConfig = z.infer<typeof ModbusConfig>;
export type ModbusConfigInput = z.input<typeof ModbusConfig>;

function checkPoint(
  p: ModbusPoint,
  base: 0 | 1,
  limits: ModbusLimits,
  issue: (field: string, message: string) => void,
): void {
  const type = p.type ?? (isBitArea(p.area) ? "bool" : "uint16");
  if (isBitArea(p.area)) {
    if (type !== "bool") issue("type", `${p.area} holds single bits; use type bool`);
    if (p.bit !== undefined) issue("bit", `bit applies to holding/input registers, not ${p.area}`);
  } else if (p.bit !== undefined && type !== "bool") issue("bit", "bit extraction needs type bool");
  if (type === "string" && p.length === undefined) issue("length", "a string needs length (registers)");
  const count = isBitArea(p.area) ? 1 : registerCount(type, p.length ?? 1);
  if (p.length !== undefined && type !== "string" && p.length !== count) {
    issue("length", `${type} spans ${count} register${count > 1 ? "s" : ""}, not ${p.length}`);
  }
  const protocolAddress = p.address - base;
  if (protocolAddress < 0) issue("address", `address ${p.address} is below addressBase ${base}`);
  else if (protocolAddress + count - 1 > 65535) {
    issue(
      "address",
      `${type} at ${p.address} (${base}-based) needs ${count} register${count > 1 ? "s" : ""} and runs past 65535`,
    );
  }
  const limit = isBitArea(p.area) ? limits.maxBits : limits.maxRegisters;
  if (count > limit) issue("type", `${type} spans ${count} registers, more than the device limit ${limit}`);
  if (p.order && (p.byteOrder || p.wordOrder)) {
    const implied = orderOf(p.byteOrder ?? "AB", p.wordOrder ?? "big");
    if (implied !== p.order) issue("order", `order ${p.order} contradicts byteOrder/wordOrder (${implied})`);
  }
  if ((p.scale !== undefined || p.offset !== undefined) && (type === "string" || type === "bool")) {
    issue("scale", `scale/offset apply to numbers, not ${type}`);
  }
  if (p.writable && (p.area === "input" || p.area === "discrete"))
    issue("writable", `${p.area} is read-only`);
}
