import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import {
  EXTRA_FLOAT32_BASE,
  mapRobotRegisters,
  ROBOT_MAP,
  writeExtraFloat32,
  writeRobotRegisters,
} from "./map.ts";
import { type Framing, type ModbusServer, startModbusServer } from "./modbus-server.ts";
import { RobotModel, type RobotSnapshot } from "./model.ts";
import type { PduLimits } from "./pdu.ts";
import { RegisterBank } from "./register-bank.ts";

/** Absolute path of the published device file (`devices/robot-cell.yaml`). */
export const ROBOT_DEVICE_FILE = fileURLToPath(new URL("../../devices/robot-cell.yaml", import.meta.url));

/**
 * The published device file, parsed. Its `points` are @weft/connector-modbus point configs.
 * @example const { points } = loadRobotDeviceFile();
 */
export function loadRobotDeviceFile(): { points: unknown[]; [key: string]: unknown } {
  return parse(readFileSync(ROBOT_DEVICE_FILE, "utf8")) as { points: unknown[] };
}

export interface RobotCellOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  host?: string;
  seed?: number;
  /** Time factor: simulated seconds per real second (default 1). */
  speed?: number;
  /** Unit id the robot answers (default: any on TCP framing, 1 on RTU framing). */
  unitId?: number;
  framing?: Framing;
  /** Word order of the UInt32 cycle counter (default `big`, i.e. ABCD). */
  counterWordOrder?: "big" | "little";
  /** Expose this many extra float32 input registers from address 1000 (benchmarks). */
  extraFloat32?: number;
  /** Real milliseconds between model updates (default 100). */
  tickMs?: number;
  /** Device request limits, for PLCs smaller than the protocol's 125 registers / 2000 bits. */
  limits?: PduLimits;
}

export interface RobotCell {
  readonly port: number;
  readonly bank: RegisterBank;
  readonly model: RobotModel;
  snapshot(): RobotSnapshot;
  /** Requests served. */
  requests(): number;
  /** Client connections open now. */
  connections(): number;
  /** Graceful shutdown. */
  close(): Promise<void>;
  /** Abrupt: destroys every socket at once and stops listening (a device that disappears). */
  kill(): Promise<void>;
}

/**
 * Serve a simulated robot cell over Modbus TCP (or RTU over TCP).
 * @example
 * const cell = await startRobotCell({ port: 0, seed: 1, speed: 60 });
 * // ... poll 127.0.0.1:cell.port ...
 * await cell.close();
 */
export async function startRobotCell(options: RobotCellOptions): Promise<RobotCell> {
  const speed = options.speed ?? 1;
  const extra = options.extraFloat32 ?? 0;
  if (extra < 0 || EXTRA_FLOAT32_BASE + extra * 2 > 65536) {
    throw new RangeError(`extraFloat32 must be 0..${(65536 - EXTRA_FLOAT32_BASE) / 2}`);
  }
  const mapOptions = { counterWordOrder: options.counterWordOrder ?? "big", extraFloat32: extra } as const;
  const model = new RobotModel({ seed: options.seed ?? 1 });
  const bank = new RegisterBank();
  mapRobotRegisters(bank, mapOptions);
  const sync = () => {
    writeRobotRegisters(bank, model, mapOptions);
    if (extra > 0) writeExtraFloat32(bank, extra, model.snapshot().simSeconds);
  };
  bank.onWrite = (area, start, count) => {
    applyWrite(bank, model, area, start, count);
    sync();
  };
  sync();

  const framing = options.framing ?? "tcp";
  const unitIds = options.unitId !== undefined ? [options.unitId] : framing === "rtu" ? [1] : undefined;
  const server: ModbusServer = await startModbusServer(bank, {
    port: options.port,
    host: options.host ?? "127.0.0.1",
    framing,
    ...(unitIds ? { unitIds } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });

  let last = performance.now();
  let simDebtS = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    simDebtS += ((now - last) / 1000) * speed;
    last = now;
    const whole = Math.floor(simDebtS * 10) / 10;
    if (whole > 0) {
      model.advance(whole);
      simDebtS -= whole;
      sync();
    }
  }, options.tickMs ?? 100);

  const stop = () => clearInterval(timer);
  return {
    port: server.port,
    bank,
    model,
    snapshot: () => model.snapshot(),
    requests: server.requests,
    connections: server.connections,
    close: async () => {
      stop();
      await server.close();
    },
    kill: async () => {
      stop();
      await server.kill();
    },
  };
}

function applyWrite(
  bank: RegisterBank,
  model: RobotModel,
  area: "coil" | "holding",
  start: number,
  count: number,
) {
  for (let a = start; a < start + count; a++) {
    if (area === "coil" && a === ROBOT_MAP.coil.paused) model.setPaused(bank.coils[a] === 1);
    if (area === "coil" && a === ROBOT_MAP.coil.stopped) model.setStopped(bank.coils[a] === 1);
    if (area === "holding" && a === ROBOT_MAP.holding.program) model.setProgram(bank.holding[a] ?? 0);
  }
}
