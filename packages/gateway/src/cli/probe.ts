import { WeftError } from "@weft/core";
import { type CliIO, reportError } from "./common.ts";

export interface ProbeCliOptions {
  unit: number;
  area: string;
  address: number;
  count: number;
  base: 0 | 1;
  timeoutMs: number;
  json?: boolean;
}

/** `weft-gateway probe modbus HOST[:PORT]`: raw registers and every type and 32-bit order side by side. */
export async function probeCommand(
  protocol: string,
  target: string,
  o: ProbeCliOptions,
  io: CliIO,
): Promise<number> {
  try {
    if (protocol !== "modbus")
      throw new WeftError("UNSUPPORTED", `probe supports modbus, not ${protocol}`, {
        fix: "for OPC UA use `weft-gateway discover opcua URL`",
      });
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(target);
    if (!m?.[1])
      throw new WeftError("CONFIG_INVALID", `"${target}" is not HOST or HOST:PORT`, {
        fix: "e.g. 192.168.1.10:502",
      });
    const { probe, formatProbe, AREAS } = await import("@weft/connector-modbus");
    if (!(AREAS as readonly string[]).includes(o.area))
      throw new WeftError("CONFIG_INVALID", `unknown area "${o.area}"`, {
        fix: `use one of ${AREAS.join(", ")}`,
      });
    const result = await probe(
      { transport: "tcp", host: m[1].replace(/^\[|\]$/g, ""), port: m[2] ? Number(m[2]) : 502 },
      o.area as (typeof AREAS)[number],
      o.address,
      o.count,
      {
        unitId: o.unit,
        addressBase: o.base,
        timeoutMs: o.timeoutMs,
      },
    );
    io.out(o.json ? JSON.stringify(result) : formatProbe(result));
    return 0;
  } catch (e) {
    return reportError(io, e);
  }
}
