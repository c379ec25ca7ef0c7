import { faultPlanFromEnv } from "../runtime/fault.ts";
import { startGateway } from "../runtime/gateway.ts";
import { type CliIO, cliLogger, reportError } from "./common.ts";

/** `weft-gateway run -c FILE`: run until SIGTERM/SIGINT, then flush, persist and exit 0. */
export async function runCommand(
  file: string,
  o: { logLevel: string; drainS: number },
  io: CliIO,
): Promise<number> {
  const logger = cliLogger(o.logLevel);
  let gw: Awaited<ReturnType<typeof startGateway>>;
  try {
    // WEFT_FAULT_AT is for fault-injection tests only (runtime/fault.ts).
    gw = await startGateway({
      configPath: file,
      logger,
      drainOnStopS: o.drainS,
      fault: faultPlanFromEnv(process.env),
    });
  } catch (e) {
    return reportError(io, e);
  }
  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      if (++signals > 1) {
        logger.warn({ sig }, "second signal: exiting without draining (the buffer is on disk)");
        resolve(130);
        return;
      }
      logger.info({ sig }, "stopping: flushing the pending batch and the buffer cursor");
      gw.stop().then(
        () => resolve(0),
        (e: unknown) => resolve(reportError(io, e)),
      );
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}
