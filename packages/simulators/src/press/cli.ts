import type { Command } from "commander";
import { pino } from "pino";
import { int, positive } from "../cli-options.ts";
import { SECURITY_MODES, type SecurityModeName, startPressServer } from "./server.ts";

/** Adds `weft-sim press` to the simulator CLI. */
export function registerPressCommand(program: Command): void {
  program
    .command("press")
    .description("Run the printing-press OPC UA simulator (one or more presses in one server)")
    .option("--port <port>", "TCP port (0 = any free port)", int("port", 0, 65535), 4841)
    .option("--host <hostname>", "host name advertised in endpoint URLs")
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
    .option("--presses <n>", "number of presses (a printing line)", int("presses", 1, 100), 1)
    .option("--user <user:password...>", "username/password users (default operator:press)")
    .option("--no-anonymous", "refuse anonymous sessions")
    .option("--security-modes <modes>", "comma list of None,Sign,SignAndEncrypt", "None,Sign,SignAndEncrypt")
    .option("--pki <folder>", "PKI folder (server certificate kept across restarts)", "./pki/press-sim")
    .option("--reject-unknown-certificates", "do not auto-trust client certificates")
    .option(
      "--reduced-ns0",
      "serve a reduced namespace 0 like open62541 (no ServerCapabilities/OperationLimits nodes)",
    )
    .option(
      "--counters <n>",
      "bench mode: also expose N counters incremented every second",
      int("counters", 0, 1e6),
      0,
    )
    .action(async (opts: PressCliOptions) => {
      const log = pino({ name: "weft-sim-press" });
      const modes = opts.securityModes.split(",").map((m) => m.trim());
      const bad = modes.filter((m) => !(SECURITY_MODES as readonly string[]).includes(m));
      if (bad.length)
        throw new Error(`--security-modes: unknown ${bad.join(", ")} (use ${SECURITY_MODES.join(", ")})`);
      const users = opts.user?.map((u) => {
        const at = u.indexOf(":");
        if (at <= 0) throw new Error(`--user ${u}: use user:password`);
        return { username: u.slice(0, at), password: u.slice(at + 1) };
      });
      const sim = await startPressServer({
        port: opts.port,
        ...(opts.host ? { hostname: opts.host } : {}),
        seed: opts.seed,
        speed: opts.speed,
        presses: opts.presses,
        securityModes: modes as SecurityModeName[],
        allowAnonymous: opts.anonymous,
        ...(users ? { users } : {}),
        pkiFolder: opts.pki,
        acceptUnknownCertificates: !opts.rejectUnknownCertificates,
        counters: opts.counters,
        reducedNamespace0: opts.reducedNs0 === true,
      });
      log.info(
        { endpointUrl: sim.endpointUrl, presses: opts.presses, seed: opts.seed, speed: opts.speed },
        `press simulator listening on ${sim.endpointUrl} (nodeIds ns=1;s=Press1.DeviceStatus …)`,
      );
      const stop = async () => {
        await sim.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}

interface PressCliOptions {
  port: number;
  host?: string;
  seed: number;
  speed: number;
  presses: number;
  user?: string[];
  anonymous: boolean;
  securityModes: string;
  pki: string;
  rejectUnknownCertificates?: boolean;
  counters: number;
  reducedNs0?: boolean;
}
