import { defineConnector } from "@weft/connector-sdk";
import { HttpJsonConfig } from "./config.ts";
import { HttpJsonConnector } from "./connector.ts";

/**
 * The `http-json` connector factory. The gateway loads it by package name:
 * `connector: "@weft/example-custom-connector"` in a device entry.
 * @example
 * const c = httpJson.create({ url: "http://10.0.0.7/status.json", points: [{ id: "pressure", path: "boiler.pressureBar" }] });
 */
export const httpJson = defineConnector({
  kind: "http-json",
  configSchema: HttpJsonConfig,
  create: (config) => new HttpJsonConnector(config),
});

export default httpJson;
export { HttpJsonConfig, HttpJsonPoint } from "./config.ts";
export { HttpJsonConnector } from "./connector.ts";
export { extractPoint, getPath } from "./extract.ts";
