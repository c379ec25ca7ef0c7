import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { ConnectorFactory } from "@weft/connector-sdk";
import { WeftError } from "@weft/core";

/** Loads a factory on first use (keeps node-opcua out of a Modbus-only gateway). */
export type FactoryLoader = () => Promise<ConnectorFactory>;

/**
 * The gateway's connector host: factories keyed by kind. Built-ins are registered
 * lazily; any other kind is an npm package (or a path) loaded from the config's
 * folder, whose default or `connector` export is a factory made with defineConnector().
 * No global state: each gateway owns its registry.
 */
export class ConnectorRegistry {
  private readonly factories = new Map<string, ConnectorFactory>();
  private readonly loaders = new Map<string, FactoryLoader>();

  register(factory: ConnectorFactory): this {
    this.factories.set(factory.kind, factory);
    return this;
  }

  registerLazy(kind: string, loader: FactoryLoader): this {
    this.loaders.set(kind, loader);
    return this;
  }

  builtinKinds(): string[] {
    return [...new Set([...this.factories.keys(), ...this.loaders.keys()])].sort();
  }

  /** The factory for `kind`; loads a plugin package resolved from `fromDir`. */
  async resolve(kind: string, fromDir: string): Promise<ConnectorFactory> {
    const known = this.factories.get(kind);
    if (known) return known;
    const loader = this.loaders.get(kind);
    const factory = loader ? await loader() : await loadPlugin(kind, fromDir);
    this.factories.set(kind, factory);
    return factory;
  }
}

/** A registry with the built-in `modbus` and `opcua` kinds. */
export function createDefaultRegistry(): ConnectorRegistry {
  return new ConnectorRegistry()
    .registerLazy("modbus", async () => (await import("@weft/connector-modbus")).modbus)
    .registerLazy("opcua", async () =>
      pickFactory(await import("@weft/connector-opcua"), "@weft/connector-opcua", "opcua"),
    );
}

async function loadPlugin(name: string, fromDir: string): Promise<ConnectorFactory> {
  const isPath = name.startsWith(".") || path.isAbsolute(name);
  let url: string;
  try {
    const target = isPath
      ? path.resolve(fromDir, name)
      : createRequire(path.join(fromDir, "noop.js")).resolve(name);
    url = pathToFileURL(target).href;
  } catch (cause) {
    throw new WeftError(
      "CONFIG_INVALID",
      `connector "${name}" is not a built-in kind and the package cannot be found from ${fromDir}`,
      {
        field: "connector",
        fix: `use modbus or opcua, or install the package next to the config (npm install ${name})`,
        cause,
      },
    );
  }
  const mod = (await import(url)) as Record<string, unknown>;
  return pickFactory(mod, name);
}

/** Find the connector factory a module exports (`default`, `connector`, or the one export that is a factory). */
export function pickFactory(mod: Record<string, unknown>, name: string, kind?: string): ConnectorFactory {
  const candidates = [mod.default, mod.connector, ...Object.values(mod)].filter(isConnectorFactory);
  const found = kind ? candidates.find((c) => c.kind === kind) : candidates[0];
  if (!found)
    throw new WeftError("CONFIG_INVALID", `package "${name}" does not export a Weft connector factory`, {
      field: "connector",
      fix: "export default defineConnector({ kind, configSchema, create }) from @weft/connector-sdk, and run its conformance suite",
    });
  return found;
}

/** Duck-typed: a plugin may bundle its own copy of the SDK, so `instanceof` would not work. */
export function isConnectorFactory(v: unknown): v is ConnectorFactory {
  if (typeof v !== "object" || v === null) return false;
  const f = v as Partial<ConnectorFactory>;
  return typeof f.kind === "string" && typeof f.create === "function" && typeof f.parseConfig === "function";
}
