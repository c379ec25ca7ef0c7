import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { gatewayJsonSchema, profileJsonSchema } from "./json-schema.ts";

const dir = fileURLToPath(new URL("../../", import.meta.url));

describe("published JSON Schemas", () => {
  it("match the zod schemas (regenerate with `tsx scripts/json-schema.ts`)", () => {
    expect(JSON.parse(fs.readFileSync(`${dir}gateway.schema.json`, "utf8"))).toEqual(gatewayJsonSchema());
    expect(JSON.parse(fs.readFileSync(`${dir}profile.schema.json`, "utf8"))).toEqual(profileJsonSchema());
  });

  it("describe devices, buffer policies and profile signals", () => {
    const g = gatewayJsonSchema() as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
      required: string[];
    };
    expect(g.required).toEqual(expect.arrayContaining(["gateway", "devices"]));
    expect(JSON.stringify(g.properties.buffer)).toContain("drop-oldest");
    expect(JSON.stringify(profileJsonSchema())).toContain("idealCycleS");
  });
});
