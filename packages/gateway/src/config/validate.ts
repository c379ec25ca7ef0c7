import * as path from "node:path";
import type { ConnectorFactory } from "@weft/connector-sdk";
import { isWeftError } from "@weft/core";
import type { ConnectorRegistry } from "../connectors/registry.ts";
import { type ConfigIssue, configError, fixFor } from "./issues.ts";
import { type LoadedConfig, loadConfigFile, type ResolvedDevice } from "./load.ts";
import { fieldPath, type LocatedDocument, lineOf } from "./locate.ts";
import { DEVICE_KEYS } from "./schema.ts";
import { nearestKey } from "./suggest.ts";

function valueAt(o: unknown, path: readonly (string | number)[]): unknown {
  let v = o;
  for (const p of path)
    v = v && typeof v === "object" ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

export interface ValidatedConfig extends LoadedConfig {
  factories: Map<string, ConnectorFactory>;
}

/**
 * Second validation stage: resolve every device's connector (plugins included) and let the
 * connector validate its settings and points; its complaints are mapped back to the file
 * and line they came from (the config, a device file, or a CSV row). Throws CONFIG_INVALID.
 */
export async function validateConnectors(
  loaded: LoadedConfig,
  registry: ConnectorRegistry,
): Promise<ValidatedConfig> {
  const issues: ConfigIssue[] = [...loaded.issues];
  const factories = new Map<string, ConnectorFactory>();
  for (const d of loaded.devices) {
    let factory: ConnectorFactory;
    try {
      factory = factories.get(d.connector) ?? (await registry.resolve(d.connector, loaded.baseDir));
      factories.set(d.connector, factory);
    } catch (e) {
      issues.push(
        located(
          loaded.located,
          ["devices", d.index, "connector"],
          isWeftError(e) ? e.message : String(e),
          isWeftError(e)
            ? (e.fix ?? "")
            : `check that the package exports a connector factory (${String(e)})`,
        ),
      );
      continue;
    }
    flattenConnection(d, factory);
    defaultPkiFolder(loaded, d, factory);
    issues.push(...unknownSettings(loaded, d, factory));
    // The schema's own issues: each gets the fix for its own problem (not the first issue's).
    const parsed = factory.configSchema.safeParse(d.connectorConfig);
    if (!parsed.success)
      for (const issue of parsed.error.issues) {
        const where = issue.path.filter((p): p is string | number => typeof p !== "symbol");
        const fix = fixFor(issue, valueAt(d.connectorConfig, where) !== undefined);
        issues.push(mapConnectorIssue(loaded, d, fieldPath(where), issue.message, fix));
      }
  }
  if (issues.length) throw configError(issues);
  return { ...loaded, factories, issues: [] };
}

/** Load a config file and validate its connectors, reporting every problem at once. */
export async function loadAndValidate(
  file: string,
  registry: ConnectorRegistry,
  env?: Readonly<Record<string, string | undefined>>,
): Promise<ValidatedConfig> {
  return validateConnectors(loadConfigFile(file, { env, deferIssues: true }), registry);
}

function located(doc: LocatedDocument, path: (string | number)[], message: string, fix: string): ConfigIssue {
  return { file: doc.file, line: lineOf(doc, path), field: fieldPath(path), message, fix };
}

/** `points[3].address` → ["points", 3, "address"]. */
export function parseField(field: string): (string | number)[] {
  if (field === "(root)") return [];
  return field.split(".").flatMap((part) => {
    const out: (string | number)[] = [];
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    if (m[1]) out.push(m[1]);
    for (const idx of (m[2] ?? "").matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
    return out;
  });
}

function mapConnectorIssue(
  loaded: LoadedConfig,
  d: ResolvedDevice,
  field: string,
  message: string,
  fix?: string,
): ConfigIssue {
  const path = parseField(field);
  const howTo =
    fix && fix !== message
      ? fix
      : `see the ${d.connector} connector's settings (its README lists every field)`;
  if (path[0] === "points" && typeof path[1] === "number") {
    const origin = d.pointsOrigin;
    if (origin.kind === "csv")
      return {
        file: origin.file,
        line: origin.rowLines[path[1]] ?? 1,
        field: `row ${path[1] + 1}${path.length > 2 ? `.${fieldPath(path.slice(2))}` : ""}`,
        message,
        fix: howTo,
      };
    const full = [...origin.path, ...path.slice(1)];
    return {
      file: origin.located.file,
      line: lineOf(origin.located, full),
      field: fieldPath(origin.kind === "inline" ? full : path),
      message,
      fix: howTo,
    };
  }
  const own = loaded.located.doc.getIn(["devices", d.index, path[0] ?? ""]) !== undefined;
  if (
    !own &&
    d.pointsOrigin.kind === "file" &&
    d.pointsOrigin.located.doc.getIn(path.slice(0, 1)) !== undefined
  )
    return {
      file: d.pointsOrigin.located.file,
      line: lineOf(d.pointsOrigin.located, path),
      field: fieldPath(path),
      message,
      fix: howTo,
    };
  const full = ["devices", d.index, ...path];
  return {
    file: loaded.located.file,
    line: lineOf(loaded.located, full),
    field: fieldPath(full),
    message,
    fix: howTo,
  };
}

/**
 * `connection:` is how every device names its link. A connector whose settings have no
 * `connection` key (OPC UA: endpointUrl, security, identity at the top) gets its fields lifted.
 */
function flattenConnection(d: ResolvedDevice, factory: ConnectorFactory): void {
  const shape = (factory.configSchema as { shape?: Record<string, unknown> }).shape;
  const conn = d.connectorConfig.connection;
  if (!shape || "connection" in shape || typeof conn !== "object" || conn === null || Array.isArray(conn))
    return;
  const { connection: _, ...rest } = d.connectorConfig;
  d.connectorConfig = { ...(conn as Record<string, unknown>), ...rest };
}

/**
 * Connectors with a `pki` setting (OPC UA) keep their client certificate under the gateway's
 * data dir unless the config says otherwise; a relative `pki.folder` starts at the config's folder.
 */
function defaultPkiFolder(loaded: LoadedConfig, d: ResolvedDevice, factory: ConnectorFactory): void {
  const shape = (factory.configSchema as { shape?: Record<string, unknown> }).shape;
  if (!shape || !("pki" in shape)) return;
  const pki = d.connectorConfig.pki;
  const base =
    typeof pki === "object" && pki !== null && !Array.isArray(pki) ? (pki as Record<string, unknown>) : {};
  const folder =
    typeof base.folder === "string"
      ? path.resolve(loaded.baseDir, base.folder)
      : path.resolve(loaded.baseDir, loaded.config.gateway.dataDir, "pki", d.connector);
  d.connectorConfig = { ...d.connectorConfig, pki: { ...base, folder } };
}

/** Keys the connector's schema does not know (zod objects drop them silently, so a typo would go unnoticed). */
function unknownSettings(loaded: LoadedConfig, d: ResolvedDevice, factory: ConnectorFactory): ConfigIssue[] {
  const shape = (factory.configSchema as { shape?: Record<string, unknown> }).shape;
  if (!shape || typeof shape !== "object") return [];
  const known = Object.keys(shape);
  const own = loaded.located.doc.getIn(["devices", d.index]) as
    | { items?: { key?: { value?: unknown } }[] }
    | undefined;
  const ownKeys = new Set((own?.items ?? []).map((p) => String(p.key?.value)));
  return Object.keys(d.connectorConfig)
    .filter((k) => !known.includes(k))
    .map((k) => {
      const inConfig = ownKeys.has(k) || d.pointsOrigin.kind !== "file";
      const doc = inConfig
        ? loaded.located
        : d.pointsOrigin.kind === "file"
          ? d.pointsOrigin.located
          : loaded.located;
      const path = inConfig ? ["devices", d.index, k] : [k];
      const settings = known.filter((x) => x !== "points");
      const meant = nearestKey(k, [...settings, ...DEVICE_KEYS]);
      return located(
        doc,
        path,
        `unknown ${d.connector} setting "${k}"`,
        meant
          ? `did you mean "${meant}"? rename "${k}" to "${meant}"`
          : `remove it or check the spelling; ${d.connector} settings are: ${settings.join(", ")}`,
      );
    });
}
