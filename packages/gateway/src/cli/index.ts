import { Command, InvalidArgumentError } from "commander";
import { checkCommand } from "./check.ts";
import { type CliIO, cliLogger, stdio } from "./common.ts";
import { type DiscoverCliOptions, discoverCommand } from "./discover.ts";
import { probeCommand } from "./probe.ts";
import { readCommand } from "./read.ts";
import { runCommand } from "./run.ts";
import { statusCommand } from "./status.ts";

const int =
  (name: string, min = 0) =>
  (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
    return n;
  };

/** The `weft-gateway` command line; `exit` receives each command's exit status. */
export function buildCli(exit: (code: number) => void, io: CliIO = stdio): Command {
  const program = new Command("weft-gateway")
    .description(
      "Weft edge gateway: read machines over Modbus and OPC UA, map them with device profiles, buffer durably and upload to the industry brain.",
    )
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  const done = (p: Promise<number>) => p.then(exit);

  program
    .command("run")
    .description(
      "run the gateway until SIGTERM/SIGINT; the stop flushes the pending batch and persists the buffer cursor",
    )
    .requiredOption("-c, --config <file>", "gateway config YAML")
    .option("--log-level <level>", "trace, debug, info, warn, error", "info")
    .option("--drain <seconds>", "on stop, keep uploading the backlog this long", int("--drain"), 5)
    .action((o: { config: string; logLevel: string; drain: number }) =>
      done(runCommand(o.config, { logLevel: o.logLevel, drainS: o.drain }, io)),
    );

  program
    .command("check")
    .description(
      "validate a config; every problem names file:line, the field path and how to fix it (exit 2 when invalid)",
    )
    .requiredOption("-c, --config <file>", "gateway config YAML")
    .action((o: { config: string }) => done(checkCommand(o.config, io)));

  program
    .command("read")
    .description(
      "read every configured point once, one line per reading; exit 0 when every device answered, 1 otherwise",
    )
    .requiredOption("-c, --config <file>", "gateway config YAML")
    .option("--device <id>", "only this device")
    .option("--json", "one JSON object per line: device, point, value, quality, ts")
    .option("--timeout <ms>", "per device", int("--timeout", 1), 10_000)
    .option("--log-level <level>", "diagnostics on stderr: trace, debug, info, warn, error", "warn")
    .action((o: { config: string; device?: string; json?: boolean; timeout: number; logLevel: string }) =>
      done(
        readCommand(
          o.config,
          { device: o.device, json: o.json, timeoutMs: o.timeout, logger: cliLogger(o.logLevel) },
          io,
        ),
      ),
    );

  program
    .command("discover")
    .description("browse a server and print a device file (points YAML) for it")
    .argument("<protocol>", "opcua")
    .argument("<url>", "endpoint, e.g. opc.tcp://press:4840")
    .option("--root <nodeId>", "start here (default the Objects folder i=85)")
    .option("--depth <n>", "levels below root (default 4)", int("--depth", 1))
    .option("--include-server", "also walk the standard Server object (namespace 0 diagnostics)")
    .option("--max-nodes <n>", "stop browsing after this many nodes (default 100000)", int("--max-nodes", 1))
    .option("--json", "print the discovery result as one JSON object instead of YAML")
    .option(
      "--pki <folder>",
      "client certificate folder (the server trusts it once)",
      "./weft-data/pki/opcua",
    )
    .option("--log-level <level>", "diagnostics on stderr: trace, debug, info, warn, error", "warn")
    .action((protocol: string, url: string, o: DiscoverCliOptions & { logLevel: string }) =>
      done(discoverCommand(protocol, url, { ...o, logger: cliLogger(o.logLevel) }, io)),
    );

  program
    .command("probe")
    .description("read raw Modbus registers and print every type and 32-bit word order decoded side by side")
    .argument("<protocol>", "modbus")
    .argument("<target>", "HOST or HOST:PORT (default port 502)")
    .option("--unit <n>", "unit id", int("--unit"), 1)
    .option("--area <area>", "holding, input, coil or discrete", "holding")
    .requiredOption("--address <a>", "first address", int("--address"))
    .option("--count <c>", "how many registers or bits", int("--count", 1), 2)
    .option("--base <0|1>", "addressing base of --address", int("--base"), 0)
    .option("--timeout <ms>", "request timeout", int("--timeout", 1), 2000)
    .option("--json", "print the result as JSON")
    .action(
      (
        protocol: string,
        target: string,
        o: {
          unit: number;
          area: string;
          address: number;
          count: number;
          base: number;
          timeout: number;
          json?: boolean;
        },
      ) =>
        done(probeCommand(protocol, target, { ...o, base: o.base === 1 ? 1 : 0, timeoutMs: o.timeout }, io)),
    );

  program
    .command("status")
    .description(
      "connected devices, buffer depth (readings, bytes), age of the oldest unsent reading, last upload, lag",
    )
    .option("-c, --config <file>", "find the gateway's health port and data dir from its config")
    .option("--url <url>", "health server URL (default http://127.0.0.1:9464)")
    .option("--json", "print the status JSON")
    .action((o: { config?: string; url?: string; json?: boolean }) => done(statusCommand(o, io)));

  return program;
}
