/**
 * Writes the JSON Schemas generated from the zod schemas, for editor completion:
 *   gateway.schema.json (gateway configs) and profile.schema.json (device profiles).
 * Run: tsx scripts/json-schema.ts   (a test fails when the published files are stale)
 */
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import { gatewayJsonSchema, profileJsonSchema } from "../src/config/json-schema.ts";

const dir = fileURLToPath(new URL("../", import.meta.url));
fs.writeFileSync(`${dir}gateway.schema.json`, `${JSON.stringify(gatewayJsonSchema(), null, 2)}\n`);
fs.writeFileSync(`${dir}profile.schema.json`, `${JSON.stringify(profileJsonSchema(), null, 2)}\n`);
console.log("wrote gateway.schema.json and profile.schema.json");
