import { removeScaling } from "@weft/connector-sdk";
import { type ReadingValue, WeftError } from "@weft/core";
import { encodeRegisters } from "../encode.ts";
import type { ModbusLink } from "./link.ts";
import type { ResolvedPoint } from "./plan.ts";

function asBool(value: ReadingValue, p: ResolvedPoint): boolean {
  if (typeof value === "boolean") return value;
  if (value === 0 || value === 1) return value === 1;
  throw new WeftError("VALIDATION_FAILED", `point "${p.id}" is bool; write true or false`, {
    field: "value",
  });
}

/** Encode `value` with the point's type, order and scaling, and write it. */
export async function writeValue(
  link: ModbusLink,
  unit: number,
  p: ResolvedPoint,
  value: ReadingValue,
  countRequest: () => void,
): Promise<void> {
  if (p.area === "coil") return link.writeCoil(unit, p.address, asBool(value, p));
  if (p.type === "bool") {
    const on = asBool(value, p);
    const data = await link.read(unit, 3, p.address, 1);
    countRequest();
    const reg = data.readUInt16BE(0);
    const bit = p.bit ?? 0;
    const mask = p.order === "BADC" || p.order === "DCBA" ? 1 << ((bit + 8) % 16) : 1 << bit;
    return link.writeRegisters(unit, p.address, [on ? reg | mask : reg & ~mask & 0xffff]);
  }
  let raw: number | bigint | string;
  if (typeof value === "number") {
    const unscaled = removeScaling(value, p);
    raw = p.type === "float32" || p.type === "float64" ? unscaled : Math.round(unscaled);
  } else if (typeof value === "string") raw = p.type === "string" ? value : value.trim();
  else
    throw new WeftError(
      "VALIDATION_FAILED",
      `point "${p.id}" is ${p.type}; cannot write ${JSON.stringify(value)}`,
      { field: "value" },
    );
  return link.writeRegisters(unit, p.address, encodeRegisters(raw, p.type, p.order, p.length ?? 1));
}
