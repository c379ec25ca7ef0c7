import { createInsertSchema, createSelectSchema } from "drizzle-zod";
import { cities, enterprises, lines, machines, parks, points } from "./assets.ts";
import { coverageDeclarations } from "./coverage.ts";
import { gateways } from "./ingest.ts";

/**
 * zod schemas derived from the tables (drizzle-zod), for tRPC inputs and outputs where they fit.
 * Domain validation (credit-code check digit, AssetKey shape) lives in @weft/core; compose them.
 * @example const input = cityInsert.pick({ key: true, name: true });
 */
export const cityInsert = createInsertSchema(cities);
export const citySelect = createSelectSchema(cities);
export const parkInsert = createInsertSchema(parks);
export const parkSelect = createSelectSchema(parks);
export const enterpriseInsert = createInsertSchema(enterprises);
export const enterpriseSelect = createSelectSchema(enterprises);
export const lineInsert = createInsertSchema(lines);
export const machineInsert = createInsertSchema(machines);
export const machineSelect = createSelectSchema(machines);
export const pointInsert = createInsertSchema(points);
export const gatewaySelect = createSelectSchema(gateways).omit({ apiKeyHash: true });
export const coverageDeclarationInsert = createInsertSchema(coverageDeclarations);
