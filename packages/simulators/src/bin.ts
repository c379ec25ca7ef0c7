#!/usr/bin/env node
import { Command } from "commander";
import { registerPressCommand } from "./press/cli.ts";
import { registerRobotCommand } from "./robot/cli.ts";

const program = new Command()
  .name("weft-sim")
  .description("Deterministic, time-accelerable device simulators for Weft")
  .showHelpAfterError();
registerRobotCommand(program);
registerPressCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
