import { readFileSync } from "node:fs";
import { WeftError } from "@weft/core";
import type { IClientOptions } from "mqtt";

/** How to reach and authenticate to the broker: `mqtt://` or `mqtts://` (TLS with CA/cert/key). */
export interface BrokerOptions {
  url: string;
  username?: string;
  password?: string;
  /** PEM file paths for `mqtts://`: the broker's CA, and a client certificate and key if it asks. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** MQTT.js options for a broker: MQTT 5 (shared subscriptions), TLS files read once. */
export function brokerClientOptions(b: BrokerOptions, field = "mqtt"): IClientOptions {
  let proto: string;
  try {
    proto = new URL(b.url).protocol;
  } catch (cause) {
    throw new WeftError("CONFIG_INVALID", `${field}: ${b.url} is not a URL`, {
      field,
      fix: "use mqtt://host:1883 or mqtts://host:8883",
      cause,
    });
  }
  if (proto !== "mqtt:" && proto !== "mqtts:")
    throw new WeftError("CONFIG_INVALID", `${field}: ${proto} is not an MQTT scheme`, {
      field,
      fix: "use mqtt://host:1883 or mqtts://host:8883",
    });
  const read = (f: string | undefined, what: string) => {
    if (!f) return undefined;
    try {
      return readFileSync(f);
    } catch (cause) {
      throw new WeftError("CONFIG_INVALID", `${field}: cannot read the ${what} file ${f}`, {
        field: `${field}.${what}`,
        fix: "give the path of a PEM file this process can read",
        cause,
      });
    }
  };
  const o: IClientOptions = { protocolVersion: 5, reconnectPeriod: 1000, connectTimeout: 10_000 };
  if (b.username !== undefined) o.username = b.username;
  if (b.password !== undefined) o.password = b.password;
  const ca = read(b.caFile, "ca");
  const cert = read(b.certFile, "cert");
  const key = read(b.keyFile, "key");
  if (ca) o.ca = ca;
  if (cert) o.cert = cert;
  if (key) o.key = key;
  return o;
}
