import { loadAndValidate } from "../config/validate.ts";
import { createDefaultRegistry } from "../connectors/registry.ts";
import { ProfileEngine } from "../profile/engine.ts";
import { type CliIO, reportError } from "./common.ts";

/** `weft-gateway check -c FILE`: 0 when valid, 2 with every problem listed as file:line: field: message + fix. */
export async function checkCommand(file: string, io: CliIO): Promise<number> {
  try {
    const cfg = await loadAndValidate(file, createDefaultRegistry());
    io.out(`✓ ${cfg.file}: gateway ${cfg.config.gateway.id}, ${cfg.devices.length} device(s)`);
    for (const d of cfg.devices) {
      const engine = d.profile
        ? new ProfileEngine(d.profile, {
            machine: d.machine,
            pointIds: d.connectorConfig.points.map((p) => p.id),
            bind: d.bind,
          })
        : null;
      const signals = engine ? engine.active.map((s) => s.role).join(", ") : "no profile (raw points only)";
      io.out(
        `  ${d.id} → machine ${d.machine}: ${d.connector}, ${d.connectorConfig.points.length} points, ${d.profile ? `profile ${d.profile.definition.name}: ` : ""}${signals}${d.enabled ? "" : " (disabled)"}`,
      );
      for (const off of engine?.disabled ?? [])
        io.out(`    note: ${off.role} is off (no point for ${off.missing.join(", ")})`);
    }
    if (!cfg.config.brain) io.out("  note: no brain section: `run` would buffer readings on disk only");
    return 0;
  } catch (e) {
    return reportError(io, e);
  }
}
