import { type ConnectorFactory, defineConnector } from "@weft/connector-sdk";
import { isWeftError, WeftError } from "@weft/core";
import { ModbusConfig } from "./config.ts";
import { ModbusConnector } from "./connector.ts";
import { LinkRegistry } from "./internal/registry.ts";

export interface ModbusConnectorFactory extends ConnectorFactory<typeof ModbusConfig> {
  create(config: unknown): ModbusConnector;
}

/**
 * A Modbus connector factory with its own link registry: connectors it creates for the same
 * serial port or RTU-over-TCP server share one serialized bus. Register it on your gateway host.
 * @example
 * const modbus = createModbusFactory();
 * const robot = modbus.create({ connection: { transport: "tcp", host: "10.0.0.5" }, points: [...] });
 * await robot.start({ sink: (rs) => console.log(rs), signal: new AbortController().signal });
 */
export function createModbusFactory(): ModbusConnectorFactory {
  const registry = new LinkRegistry();
  const base = defineConnector({
    kind: "modbus",
    configSchema: ModbusConfig,
    create: (config) => new ModbusConnector(config, registry),
  });
  const parseConfig = (config: unknown) => withPointNames(config, () => base.parseConfig(config));
  return {
    kind: base.kind,
    configSchema: base.configSchema,
    parseConfig,
    create: (config: unknown) => new ModbusConnector(parseConfig(config), registry),
  };
}

/** The default factory (kind `modbus`). */
export const modbus: ModbusConnectorFactory = createModbusFactory();

/** Add the point id to config errors about `points[i]`, so a message names the point and the field. */
function withPointNames<T>(config: unknown, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (!isWeftError(e, "CONFIG_INVALID")) throw e;
    const points = (config as { points?: unknown } | null)?.points;
    const message = e.message.replace(
      /points\[(\d+)\]([.\w]*): (?!point ")/g,
      (all, i: string, rest: string) => {
        const id = Array.isArray(points)
          ? (points[Number(i)] as { id?: unknown } | undefined)?.id
          : undefined;
        return typeof id === "string" ? `points[${i}]${rest}: point "${id}": ` : all;
      },
    );
    throw new WeftError("CONFIG_INVALID", message, {
      ...(e.field ? { field: e.field } : {}),
      ...(e.fix ? { fix: e.fix } : {}),
      ...(e.details ? { details: e.details } : {}),
      cause: e,
    });
  }
}
