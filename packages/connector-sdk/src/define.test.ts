import { isWeftError } from "@weft/core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { Connector } from "./connector.ts";
import { defineConnector } from "./define.ts";

const stub = (): Connector => ({
  kind: "t",
  start: async () => {},
  stop: async () => {},
  status: () => ({
    state: "idle",
    counters: { readings: 0, badReadings: 0, requests: 0, errors: 0, reconnects: 0 },
  }),
});

describe("defineConnector", () => {
  const factory = defineConnector({
    kind: "t",
    configSchema: z.object({ host: z.string(), port: z.number().int().default(502) }),
    create: (config) => {
      expectTypeOf(config).toEqualTypeOf<{ host: string; port: number }>();
      return stub();
    },
  });

  it("infers the parsed config type from the schema", () => {
    expectTypeOf(factory.parseConfig).returns.toEqualTypeOf<{ host: string; port: number }>();
    expect(factory.parseConfig({ host: "a" })).toEqual({ host: "a", port: 502 });
  });

  it("throws CONFIG_INVALID naming the field", () => {
    try {
      factory.create({ host: 1 });
      expect.unreachable();
    } catch (e) {
      expect(isWeftError(e, "CONFIG_INVALID")).toBe(true);
      if (isWeftError(e)) expect(e.field).toBe("host");
    }
  });
});
