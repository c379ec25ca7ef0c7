import { formatZodIssues, WeftError } from "@weft/core";
import type { z } from "zod";
import type { Connector } from "./connector.ts";

export interface ConnectorDefinition<S extends z.ZodType> {
  /** Registry key used in gateway configs, e.g. `modbus`, `opcua`, `@acme/weft-connector-s7`. */
  kind: string;
  configSchema: S;
  create(config: z.output<S>): Connector;
}

export interface ConnectorFactory<S extends z.ZodType = z.ZodType> {
  readonly kind: string;
  readonly configSchema: S;
  /** Validates `config` (throws a `CONFIG_INVALID` WeftError naming the field) and builds a connector. */
  create(config: unknown): Connector;
  /** Validates only. */
  parseConfig(config: unknown): z.output<S>;
}

/**
 * Declare a connector kind.
 * @example
 * export const httpJson = defineConnector({
 *   kind: "http-json",
 *   configSchema: z.object({ url: z.url(), intervalMs: z.number().int().positive() }),
 *   create: (config) => new HttpJsonConnector(config),
 * });
 */
export function defineConnector<S extends z.ZodType>(def: ConnectorDefinition<S>): ConnectorFactory<S> {
  const parseConfig = (config: unknown): z.output<S> => {
    const result = def.configSchema.safeParse(config);
    if (result.success) return result.data;
    const issues = formatZodIssues(result.error);
    const first = issues[0];
    throw new WeftError(
      "CONFIG_INVALID",
      `${def.kind} connector config: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`,
      { field: first?.field, fix: first?.message, details: { issues } },
    );
  };
  return {
    kind: def.kind,
    configSchema: def.configSchema,
    parseConfig,
    create: (config) => def.create(parseConfig(config)),
  };
}
