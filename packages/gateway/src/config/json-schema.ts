import { z } from "zod";
import { ProfileDefinition } from "../profile/schema.ts";
import { GatewayConfig } from "./schema.ts";

/** JSON Schema (draft 2020-12) of a gateway config file, generated from the zod schema (input side). */
export function gatewayJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(GatewayConfig, { io: "input", unrepresentable: "any" }),
    $id: "https://weft.dev/schemas/gateway.schema.json",
    title: "Weft gateway config",
  };
}

/** JSON Schema of a device profile file. */
export function profileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ProfileDefinition, { io: "input", unrepresentable: "any" }),
    $id: "https://weft.dev/schemas/profile.schema.json",
    title: "Weft device profile",
  };
}
