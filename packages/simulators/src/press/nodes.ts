/**
 * Stable, documented nodeIds of the press simulator (namespace index 1,
 * `urn:weft:simulators:press`). A gateway config may reference them as is.
 *
 * | nodeId                                         | type          | unit     | access |
 * |------------------------------------------------|---------------|----------|--------|
 * | ns=1;s=PressN.Identification.Manufacturer      | LocalizedText |          | r      |
 * | ns=1;s=PressN.Identification.Model             | LocalizedText |          | r      |
 * | ns=1;s=PressN.Identification.SerialNumber      | String        |          | r      |
 * | ns=1;s=PressN.Identification.ProductInstanceUri| String        |          | r      |
 * | ns=1;s=PressN.DeviceStatus                     | String        |          | r      |
 * | ns=1;s=PressN.StatusDetails                    | String        |          | r      |
 * | ns=1;s=PressN.Speed                            | Double        | sheets/h | r      |
 * | ns=1;s=PressN.TargetSpeed                      | Double        | sheets/h | rw     |
 * | ns=1;s=PressN.ProductionCounter                | UInt32        | sheets   | r      |
 * | ns=1;s=PressN.TotalProductionCounter           | UInt32        | sheets   | r      |
 * | ns=1;s=PressN.WasteCounter                     | UInt32        | sheets   | r      |
 * | ns=1;s=PressN.JobId                            | String        |          | r      |
 * | ns=1;s=PressN.EnergyKwh                        | Double        | kWh      | r      |
 * | ns=1;s=PressN.MachineryItemState               | UInt32        |          | r      |
 * | ns=1;s=PressN.MachineryOperationMode           | UInt32        |          | r      |
 * | ns=1;s=PressN.Diagnostics.UptimeMs             | UInt64        | ms       | r      |
 * | ns=1;s=PressN.Diagnostics.EnergyMilliWh        | Int64         | mWh      | r      |
 * | ns=1;s=PressN.Diagnostics.SpeedHistory         | Double[10]    | sheets/h | r      |
 * | ns=1;s=PressN.InjectFault (method)             | (String) → Boolean |     |        |
 *
 * With `counters: N` the server also exposes `ns=1;s=Counter.<i>` (UInt32, i = 0..N-1),
 * each incremented by one every wall-clock second (for benchmarks).
 */
export const PRESS_NAMESPACE_URI = "urn:weft:simulators:press";

export const PRESS_VARIABLES = [
  "Identification.Manufacturer",
  "Identification.Model",
  "Identification.SerialNumber",
  "Identification.ProductInstanceUri",
  "DeviceStatus",
  "StatusDetails",
  "Speed",
  "TargetSpeed",
  "ProductionCounter",
  "TotalProductionCounter",
  "WasteCounter",
  "JobId",
  "EnergyKwh",
  "MachineryItemState",
  "MachineryOperationMode",
  "Diagnostics.UptimeMs",
  "Diagnostics.EnergyMilliWh",
  "Diagnostics.SpeedHistory",
] as const;
export type PressVariable = (typeof PRESS_VARIABLES)[number];

/** `Press1`, `Press2`, … (1-based). */
export function pressName(index: number): string {
  return `Press${index + 1}`;
}

/** nodeId string of a press variable, e.g. `pressNodeId(0, "Speed")` → `ns=1;s=Press1.Speed`. */
export function pressNodeId(index: number, variable: PressVariable | "InjectFault"): string {
  return `ns=1;s=${pressName(index)}.${variable}`;
}

/** nodeId string of bench counter `i`. */
export function counterNodeId(i: number): string {
  return `ns=1;s=Counter.${i}`;
}
