import { cities, enterprises, gateways, machines, parks } from "../schema/index.ts";
import type { WeftDb } from "../types.ts";

export interface SeedOptions {
  /** Key prefix so several trees can live in one database (default `t`). */
  prefix?: string;
  machines?: number;
  timeZone?: string;
  gateways?: number;
}

export interface SeededTree {
  cityId: number;
  parkId: number;
  enterpriseId: number;
  machineIds: number[];
  gatewayIds: string[];
}

/**
 * A minimal asset tree for tests and benches: one city, park and enterprise, N machines and
 * gateways (gateway ids `${prefix}-gw0…`, API key hash `test`).
 */
export async function seedTree(db: WeftDb, options: SeedOptions = {}): Promise<SeededTree> {
  const prefix = options.prefix ?? "t";
  const one = <T>(rows: T[]): T => {
    const [row] = rows;
    if (!row) throw new Error("seedTree: insert returned no row");
    return row;
  };
  const city = one(
    await db
      .insert(cities)
      .values({ key: `${prefix}-city`, name: "Taizhou" })
      .returning(),
  );
  const park = one(
    await db
      .insert(parks)
      .values({ key: `${prefix}-park`, cityId: city.id, name: "Park" })
      .returning(),
  );
  const ent = one(
    await db
      .insert(enterprises)
      .values({
        key: `${prefix}-ent`,
        parkId: park.id,
        name: "Printer",
        creditCode: `${prefix}-credit-code`,
        industryCode: "C23",
        timeZone: options.timeZone ?? "Asia/Shanghai",
        declaredMachines: options.machines ?? 2,
      })
      .returning(),
  );
  const n = options.machines ?? 2;
  const ms = await db
    .insert(machines)
    .values(
      Array.from({ length: n }, (_, i) => ({ key: `${prefix}-m${i}`, enterpriseId: ent.id, name: `M${i}` })),
    )
    .returning({ id: machines.id });
  const gatewayIds = Array.from({ length: options.gateways ?? 1 }, (_, i) => `${prefix}-gw${i}`);
  await db.insert(gateways).values(
    gatewayIds.map((id) => ({
      id,
      enterpriseId: ent.id,
      name: id,
      apiKeyHash: "test",
      apiKeyPrefix: `${id}-key`,
    })),
  );
  return {
    cityId: city.id,
    parkId: park.id,
    enterpriseId: ent.id,
    machineIds: ms.map((m) => m.id),
    gatewayIds,
  };
}
