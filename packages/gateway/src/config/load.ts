import * as fs from "node:fs";
import * as path from "node:path";
import { Document } from "yaml";
import type { z } from "zod";
import type { CompiledProfile } from "../profile/compile.ts";
import { loadProfile } from "../profile/load.ts";
import { substituteEnvInDocument } from "./env.ts";
import { type ConfigIssue, configError, zodToIssues } from "./issues.ts";
import { fieldPath, type LocatedDocument, lineOf, parseLocated } from "./locate.ts";
import {
  type LoadedPoints,
  loadDeviceFile,
  loadPointsCsv,
  type PointRecord,
  type PointsOrigin,
  yamlErrors,
} from "./points.ts";
import { DEVICE_KEYS, DeviceConfig, GatewayConfig } from "./schema.ts";

/** A device with its points, connector settings and profile resolved. */
export interface ResolvedDevice {
  index: number;
  id: string;
  machine: string;
  connector: string;
  enabled: boolean;
  /** Settings passed to the connector, `points` included. */
  connectorConfig: Record<string, unknown> & { points: PointRecord[] };
  pointsOrigin: PointsOrigin;
  profile: CompiledProfile | null;
  bind: Record<string, string>;
}

export interface LoadedConfig {
  file: string;
  baseDir: string;
  config: GatewayConfig;
  devices: ResolvedDevice[];
  located: LocatedDocument;
  /** Device-level problems left for the caller when `deferIssues` is set. */
  issues: ConfigIssue[];
}

export interface LoadOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Return device-level issues in `issues` instead of throwing (so connector checks can add theirs). */
  deferIssues?: boolean;
}

/** Device-file keys that describe the file rather than configure the connector. */
const DEVICE_FILE_META = new Set(["kind", "profile", "description", "roles", "points", "machine"]);

/**
 * Read, substitute `${ENV}`, validate and resolve a gateway config file. Every problem
 * (YAML, schema, device files, CSVs, profiles) is collected and thrown as one
 * `CONFIG_INVALID` WeftError whose message lists `file:line: field: message` and a fix.
 */
export function loadConfigFile(file: string, options: LoadOptions = {}): LoadedConfig {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch (e) {
    throw configError([
      {
        file: abs,
        line: 1,
        field: "(file)",
        message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
        fix: "pass the path of an existing YAML file with -c",
      },
    ]);
  }
  return loadConfigText(abs, text, options);
}

/** Like {@link loadConfigFile} for a config given as an object (e.g. from code); lines refer to its YAML form. */
export function loadConfigObject(config: unknown, baseDir: string, options: LoadOptions = {}): LoadedConfig {
  const text = new Document(config).toString();
  return loadConfigText(path.join(path.resolve(baseDir), "<inline config>.yaml"), text, options);
}

export function loadConfigText(file: string, text: string, options: LoadOptions = {}): LoadedConfig {
  const located = parseLocated(file, text);
  const issues: ConfigIssue[] = yamlErrors(located);
  if (issues.length) throw configError(issues);
  for (const p of substituteEnvInDocument(located.doc, options.env ?? process.env))
    issues.push({
      file,
      line: lineOf(located, p.path),
      field: fieldPath(p.path),
      message: `environment variable ${p.variable} is not set`,
      fix: `export ${p.variable}=… before starting, or write \${${p.variable}:-default}`,
    });
  const js: unknown = located.doc.toJS();
  const parsed = GatewayConfig.safeParse(js);
  let config: GatewayConfig;
  let indices: number[];
  if (parsed.success) {
    config = parsed.data;
    indices = config.devices.map((_, i) => i);
  } else {
    const envFields = new Set(issues.map((i) => i.field));
    issues.push(
      ...zodToIssues(located, parsed.error, [], [], GatewayConfig).filter((i) => !envFields.has(i.field)),
    );
    // Go on with what is valid, so one run reports every problem (device files, profiles and
    // connector settings too), not the top-level ones first and the rest after they are fixed.
    ({ config, indices } = lenientConfig(js));
  }
  if (issues.length && !options.deferIssues) throw configError(issues);
  const baseDir = path.dirname(file);
  const devices = config.devices.map((d, k) => resolveDevice(d, indices[k] ?? k, located, baseDir, issues));
  if (issues.length && !options.deferIssues) throw configError(issues);
  const ok = devices.filter((d): d is ResolvedDevice => d !== null);
  return { file, baseDir, config, devices: ok, located, issues };
}

/**
 * A config built from the valid parts of one that failed validation: each section that is valid
 * on its own (defaults for the others) and each device that is valid on its own, with its index.
 * Only used to keep checking; the issues already say the file is invalid.
 */
function lenientConfig(js: unknown): { config: GatewayConfig; indices: number[] } {
  const o = (js && typeof js === "object" ? js : {}) as Record<string, unknown>;
  const section = <T>(schema: z.ZodType<T>, value: unknown, fallback: T): T => {
    const r = schema.safeParse(value);
    return r.success ? r.data : fallback;
  };
  const shape = GatewayConfig.shape;
  const indices: number[] = [];
  const devices: DeviceConfig[] = [];
  (Array.isArray(o.devices) ? o.devices : []).forEach((d: unknown, i: number) => {
    const r = DeviceConfig.safeParse(d);
    if (r.success) {
      devices.push(r.data);
      indices.push(i);
    }
  });
  return {
    indices,
    config: {
      gateway: section(shape.gateway, o.gateway, { id: "invalid", dataDir: "./weft-data" }),
      brain: section(shape.brain, o.brain, undefined),
      buffer: section(shape.buffer, o.buffer ?? {}, shape.buffer.parse({})),
      uplink: section(shape.uplink, o.uplink ?? {}, shape.uplink.parse({})),
      health: section(shape.health, o.health ?? {}, false),
      devices,
    },
  };
}

function resolveDevice(
  d: DeviceConfig,
  index: number,
  located: LocatedDocument,
  baseDir: string,
  issues: ConfigIssue[],
): ResolvedDevice | null {
  const at = (field: (string | number)[], message: string, fix: string) =>
    issues.push({
      file: located.file,
      line: lineOf(located, ["devices", index, ...field]),
      field: fieldPath(["devices", index, ...field]),
      message,
      fix,
    });
  let loaded: LoadedPoints | { issues: ConfigIssue[] };
  let fileMeta: Record<string, unknown> = {};
  if (Array.isArray(d.points)) {
    loaded = {
      points: d.points,
      origin: { kind: "inline", located, path: ["devices", index, "points"] },
      connection: {},
    };
  } else if ("file" in d.points) {
    const target = path.resolve(baseDir, d.points.file);
    loaded = loadDeviceFile(target);
    if (!("issues" in loaded)) fileMeta = fileMetaOf(loaded.origin);
  } else {
    loaded = loadPointsCsv(path.resolve(baseDir, d.points.csv));
  }
  if ("issues" in loaded) {
    issues.push(...loaded.issues);
    return null;
  }
  const connector = d.connector ?? (typeof fileMeta.kind === "string" ? fileMeta.kind : undefined);
  if (!connector) {
    at(
      ["connector"],
      "no connector kind",
      "add connector: modbus, connector: opcua, or a connector package name",
    );
    return null;
  }
  const own = Object.fromEntries(
    Object.entries(d).filter(([k]) => !(DEVICE_KEYS as readonly string[]).includes(k)),
  );
  const connectorConfig = { ...deepMerge(settingsOf(fileMeta), own), points: loaded.points };
  const profileRef = d.profile ?? (typeof fileMeta.profile === "string" ? fileMeta.profile : undefined);
  let profile: CompiledProfile | null = null;
  if (profileRef) {
    const p = loadProfile(profileRef, baseDir);
    if ("issues" in p) {
      const notFound = p.issues.length === 1 && p.issues[0]?.field === "(profile)";
      if (notFound) at(["profile"], p.issues[0]?.message ?? "no such profile", p.issues[0]?.fix ?? "");
      else issues.push(...p.issues);
    } else profile = p;
  }
  const bind = d.bind ?? {};
  const pointIds = new Set(loaded.points.map((p) => p.id));
  for (const [name, point] of Object.entries(bind))
    if (!pointIds.has(point))
      at(
        ["bind", name],
        `binds to point "${point}", which this device does not have`,
        `use one of: ${[...pointIds].slice(0, 12).join(", ")}`,
      );
  if (profile)
    for (const name of profile.definition.required) {
      const point = bind[name] ?? name;
      if (!pointIds.has(point))
        at(
          ["profile"],
          `profile ${profile.definition.name} needs input "${name}" but the device has no point "${point}"`,
          `add a point with id "${name}", or bind it: bind: { ${name}: <your point id> }`,
        );
    }
  return {
    index,
    id: d.id,
    machine: d.machine ?? d.id,
    connector,
    enabled: d.enabled,
    connectorConfig,
    pointsOrigin: loaded.origin,
    profile,
    bind,
  };
}

function fileMetaOf(origin: PointsOrigin): Record<string, unknown> {
  if (origin.kind !== "file") return {};
  const js: unknown = origin.located.doc.toJS();
  return js && typeof js === "object" ? (js as Record<string, unknown>) : {};
}

function settingsOf(fileMeta: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fileMeta).filter(([k]) => !DEVICE_FILE_META.has(k)));
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Merge settings: plain objects merge key by key, everything else in `over` wins. */
export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? deepMerge(b, v) : v;
  }
  return out;
}

export { zodToIssues };
