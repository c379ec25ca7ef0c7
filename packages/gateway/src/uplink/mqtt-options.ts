import { readFileSync } from "node:fs";
import * as path from "node:path";
import { WeftError } from "@weft/core";
import type { IClientOptions } from "mqtt";

/** The broker settings of a `sparkplug` uplink (paths resolve from the config's folder). */
export interface BrokerSettings {
  username?: string | undefined;
  password?: string | undefined;
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
}

/** MQTT.js options: MQTT 5, this gateway's credentials, TLS files for mqtts://. */
export function brokerOptions(b: BrokerSettings, baseDir: string): IClientOptions {
  const o: IClientOptions = { protocolVersion: 5, reconnectPeriod: 1000, connectTimeout: 10_000 };
  if (b.username !== undefined) o.username = b.username;
  if (b.password !== undefined) o.password = b.password;
  for (const k of ["ca", "cert", "key"] as const) {
    const f = b[k];
    if (!f) continue;
    const file = path.resolve(baseDir, f);
    try {
      o[k] = readFileSync(file);
    } catch (cause) {
      throw new WeftError("CONFIG_INVALID", `uplink.${k}: cannot read ${file}`, {
        field: `uplink.${k}`,
        fix: "give the path of a PEM file the gateway can read",
        cause,
      });
    }
  }
  return o;
}
