import type { Command } from "commander";
import { pino } from "pino";
import { int, positive } from "../cli-options.ts";
import { EXTRA_FLOAT32_BASE } from "./map.ts";
import { ROBOT_DEVICE_FILE, startRobotCell } from "./robot-cell.ts";

interface RobotCliOptions {
  port: number;
  host: string;
  seed: number;
  speed: number;
  unitId?: number;
  framing: string;
  counterWordOrder: string;
  extraFloat32: number;
  maxRegisters: number;
}

/** Adds `weft-sim robot` to the simulator CLI. */
export function registerRobotCommand(program: Command): void {
  program
    .command("robot")
    .description(
      "Run the industrial robot cell simulator on Modbus TCP (register map: devices/robot-cell.yaml)",
    )
    .option("--port <port>", "TCP port (0 = any free port)", int("port", 0, 65535), 5020)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option(
      "--seed <seed>",
      "PRNG seed; the same seed gives the same history",
      int("seed", 0, 2 ** 32 - 1),
      1,
    )
    .option(
      "--speed <factor>",
      "time factor (simulated seconds per real second), e.g. 60 or 3600",
      positive,
      1,
    )
    .option(
      "--unit-id <id>",
      "answer only this unit id (default: any on tcp, 1 on rtu)",
      int("unit-id", 0, 255),
    )
    .option("--framing <framing>", "tcp (Modbus TCP, MBAP) or rtu (RTU frames with CRC over TCP)", "tcp")
    .option(
      "--counter-word-order <order>",
      "word order of the UInt32 cycle counter: big (ABCD) or little (CDAB)",
      "big",
    )
    .option(
      "--extra-float32 <n>",
      `bench mode: expose N extra float32 input registers from address ${EXTRA_FLOAT32_BASE}`,
      int("extra-float32", 0, (65536 - EXTRA_FLOAT32_BASE) / 2),
      0,
    )
    .option(
      "--max-registers <n>",
      "device limit per request, like a small PLC (≤ 125)",
      int("max-registers", 1, 125),
      125,
    )
    .action(async (opts: RobotCliOptions) => {
      const log = pino({ name: "weft-sim-robot" });
      if (opts.framing !== "tcp" && opts.framing !== "rtu") throw new Error("--framing must be tcp or rtu");
      if (opts.counterWordOrder !== "big" && opts.counterWordOrder !== "little") {
        throw new Error("--counter-word-order must be big or little");
      }
      const cell = await startRobotCell({
        port: opts.port,
        host: opts.host,
        seed: opts.seed,
        speed: opts.speed,
        framing: opts.framing,
        counterWordOrder: opts.counterWordOrder,
        extraFloat32: opts.extraFloat32,
        limits: { maxRegisters: opts.maxRegisters, maxBits: 2000 },
        ...(opts.unitId !== undefined ? { unitId: opts.unitId } : {}),
      });
      log.info(
        {
          port: cell.port,
          host: opts.host,
          seed: opts.seed,
          speed: opts.speed,
          framing: opts.framing,
          deviceFile: ROBOT_DEVICE_FILE,
        },
        `robot cell listening on ${opts.host}:${cell.port} (Modbus ${opts.framing === "tcp" ? "TCP" : "RTU over TCP"})`,
      );
      const shutdown = async (signal: string) => {
        log.info({ signal }, "robot cell stopping");
        await cell.close();
        process.exit(0);
      };
      process.once("SIGINT", () => void shutdown("SIGINT"));
      process.once("SIGTERM", () => void shutdown("SIGTERM"));
    });
}
