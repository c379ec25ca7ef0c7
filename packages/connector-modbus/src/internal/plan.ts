import type { CounterSpec } from "@weft/core";
import { type Block, coalesceRegisters, splitBlock } from "../coalesce.ts";
import type { ModbusConfig, ModbusPoint } from "../config.ts";
import type { Area, DataType, Order } from "../types.ts";
import { isBitArea, orderOf, registerCount } from "../types.ts";

/** A validated point with its protocol (0-based) address resolved. */
export interface ResolvedPoint {
  id: string;
  area: Area;
  /** Protocol address, 0-based. */
  address: number;
  /** Addresses it spans (registers, or 1 bit). */
  count: number;
  type: DataType;
  order: Order;
  bit: number | undefined;
  length: number | undefined;
  scale: number | undefined;
  offset: number | undefined;
  deadband: number | undefined;
  group: string;
  writable: boolean;
  /** How the user configured the address, for messages: `holding 40 (1-based)`. */
  where: string;
  /** Sent with each reading: the configured counter width, else the unsigned type's. */
  counter: CounterSpec | undefined;
}

const UNSIGNED_BITS: Partial<Record<DataType, 16 | 32 | 64>> = { uint16: 16, uint32: 32, uint64: 64 };

/**
 * A point's counter width: as configured, else from its unsigned integer type when unscaled (a scaled
 * value no longer rolls over at the register's maximum). Other points carry none.
 */
export function counterOf(
  p: Pick<ModbusPoint, "counter" | "scale" | "offset">,
  type: DataType,
): CounterSpec | undefined {
  if (p.counter) return p.counter;
  const bits = UNSIGNED_BITS[type];
  return bits !== undefined && p.scale === undefined && p.offset === undefined ? { bits } : undefined;
}

export interface PlannedBlock {
  area: Area;
  fc: 1 | 2 | 3 | 4;
  block: Block<ResolvedPoint>;
}

export interface GroupPlan {
  name: string;
  intervalMs: number;
  blocks: PlannedBlock[];
}

const FC: Record<Area, 1 | 2 | 3 | 4> = { coil: 1, discrete: 2, holding: 3, input: 4 };

export function resolvePoint(p: ModbusPoint, base: 0 | 1): ResolvedPoint {
  const type = p.type ?? (isBitArea(p.area) ? "bool" : "uint16");
  return {
    id: p.id,
    area: p.area,
    address: p.address - base,
    count: isBitArea(p.area) ? 1 : registerCount(type, p.length ?? 1),
    type,
    order: p.order ?? orderOf(p.byteOrder ?? "AB", p.wordOrder ?? "big"),
    bit: p.bit,
    length: p.length,
    scale: p.scale,
    offset: p.offset,
    deadband: p.deadband,
    group: p.group ?? "default",
    writable: p.writable ?? (p.area === "coil" || p.area === "holding"),
    where: `${p.area} ${p.address} (${base}-based)`,
    counter: counterOf(p, type),
  };
}

/** Range label of a block in the device's addressing, for messages. */
export function blockWhere(b: PlannedBlock, base: 0 | 1): string {
  return `${b.area} ${b.block.start + base}..${b.block.start + b.block.count - 1 + base} (${base}-based)`;
}

export function limitsFor(area: Area, cfg: ModbusConfig): { maxBlock: number; maxGap: number } {
  return isBitArea(area)
    ? { maxBlock: cfg.limits.maxBits, maxGap: cfg.limits.maxGapBits }
    : { maxBlock: cfg.limits.maxRegisters, maxGap: cfg.limits.maxGapRegisters };
}

/** Group points by poll group and plan each area's block reads. */
export function planPolls(points: readonly ResolvedPoint[], cfg: ModbusConfig): GroupPlan[] {
  const groups = new Map<string, ResolvedPoint[]>();
  for (const p of points) {
    const list = groups.get(p.group);
    if (list) list.push(p);
    else groups.set(p.group, [p]);
  }
  return [...groups].map(([name, pts]) => ({
    name,
    intervalMs: name === "default" ? cfg.intervalMs : (cfg.pollGroups[name]?.intervalMs ?? cfg.intervalMs),
    blocks: (["coil", "discrete", "holding", "input"] as const).flatMap((area) =>
      coalesceRegisters(
        pts.filter((p) => p.area === area).map((p) => ({ start: p.address, count: p.count, item: p })),
        limitsFor(area, cfg),
      ).map((block) => ({ area, fc: FC[area], block })),
    ),
  }));
}

export function splitPlanned(b: PlannedBlock, cfg: ModbusConfig): [PlannedBlock[], PlannedBlock[]] {
  const [a, c] = splitBlock(b.block, limitsFor(b.area, cfg));
  const wrap = (blocks: Block<ResolvedPoint>[]) => blocks.map((block) => ({ area: b.area, fc: b.fc, block }));
  return [wrap(a), wrap(c)];
}
