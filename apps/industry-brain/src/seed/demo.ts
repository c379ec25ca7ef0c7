import { creditCodeCheckChar, WeftError } from "@weft/core";
import type { DbHandle } from "@weft/db/client";
import { cities, enterprises, gateways, machines, parks, userParks, users } from "@weft/db/schema";
import { eq, inArray, sql } from "drizzle-orm";
import { apiKeyFromSeed, hashPassword } from "../auth/crypto.ts";
import { DEMO_CITY, DEMO_ENTERPRISES, DEMO_PARKS, DEMO_USERS } from "./demo-data.ts";

export interface DemoGateway {
  gatewayId: string;
  enterpriseKey: string;
  /** The gateway's API key (demo only; real keys are shown once and stored hashed). */
  apiKey: string;
  machineKeys: string[];
}

export interface DemoSeed {
  cityKey: string;
  parkKeys: string[];
  enterprises: { key: string; name: string; creditCode: string; industryCode: string; parkKey: string }[];
  gateways: DemoGateway[];
  users: { email: string; password: string; role: string; name: string }[];
}

/** A valid 统一社会信用代码 from its first 17 characters. */
export function completeCreditCode(first17: string): string {
  const check = creditCodeCheckChar(first17);
  if (check === null) throw new WeftError("VALIDATION_FAILED", `bad credit code stem ${first17}`);
  return first17 + check;
}

/**
 * Load the demo city (two parks, five enterprises in C23/C21/C34/C17, machines, one gateway per
 * enterprise with a known API key, and one user per role). Idempotent: running it twice changes nothing.
 * @example
 * const handle = await createDb();
 * const demo = await seedDemo(handle);
 * demo.users; // [{ email: "city@weft.demo", password: "weft-city-2025", role: "city-admin", … }, …]
 */
export async function seedDemo(handle: DbHandle): Promise<DemoSeed> {
  const { db } = handle;
  return db.transaction(async (tx) => {
    await tx.insert(cities).values(DEMO_CITY).onConflictDoNothing({ target: cities.key });
    const [city] = await tx.select().from(cities).where(eq(cities.key, DEMO_CITY.key));
    if (!city) throw new WeftError("INTERNAL", "demo city missing after insert");
    await tx
      .insert(parks)
      .values(DEMO_PARKS.map((p) => ({ ...p, cityId: city.id })))
      .onConflictDoNothing({ target: parks.key });
    const parkRows = await tx
      .select()
      .from(parks)
      .where(
        inArray(
          parks.key,
          DEMO_PARKS.map((p) => p.key),
        ),
      );
    const parkId = new Map(parkRows.map((p) => [p.key, p.id]));

    const out: DemoSeed = {
      cityKey: city.key,
      parkKeys: parkRows.map((p) => p.key),
      enterprises: [],
      gateways: [],
      users: [],
    };
    for (const spec of DEMO_ENTERPRISES) {
      const creditCode = completeCreditCode(spec.creditCode17);
      const pid = parkId.get(spec.park);
      if (pid === undefined) throw new WeftError("INTERNAL", `demo park ${spec.park} missing`);
      await tx
        .insert(enterprises)
        .values({
          key: spec.key,
          parkId: pid,
          name: spec.name,
          nameEn: spec.nameEn,
          creditCode,
          industryCode: spec.industryCode,
          aboveScale: spec.aboveScale,
          declaredMachines: spec.declaredMachines,
        })
        .onConflictDoNothing({ target: enterprises.key });
      const [ent] = await tx.select().from(enterprises).where(eq(enterprises.key, spec.key));
      if (!ent) throw new WeftError("INTERNAL", `demo enterprise ${spec.key} missing`);
      await tx
        .insert(machines)
        .values(spec.machines.map((m) => ({ ...m, enterpriseId: ent.id })))
        .onConflictDoNothing({ target: [machines.enterpriseId, machines.key] });
      const gatewayId = `gw-${spec.key}`;
      const key = apiKeyFromSeed(gatewayId);
      await tx
        .insert(gateways)
        .values({
          id: gatewayId,
          enterpriseId: ent.id,
          name: `${spec.nameEn} gateway`,
          apiKeyHash: key.hash,
          apiKeyPrefix: key.prefix,
        })
        .onConflictDoNothing();
      out.enterprises.push({
        key: spec.key,
        name: spec.name,
        creditCode,
        industryCode: spec.industryCode,
        parkKey: spec.park,
      });
      out.gateways.push({
        gatewayId,
        enterpriseKey: spec.key,
        apiKey: key.key,
        machineKeys: spec.machines.map((m) => m.key),
      });
    }

    for (const u of DEMO_USERS) {
      const existing = await tx
        .select({ id: users.id })
        .from(users)
        .where(sql`lower(${users.email}) = ${u.email}`);
      let userId = existing[0]?.id;
      if (userId === undefined) {
        const enterpriseId = u.enterprise
          ? ((
              await tx
                .select({ id: enterprises.id })
                .from(enterprises)
                .where(eq(enterprises.key, u.enterprise))
            )[0]?.id ?? null)
          : null;
        const [row] = await tx
          .insert(users)
          .values({
            email: u.email,
            name: u.name,
            role: u.role,
            passwordHash: await hashPassword(u.password),
            cityId: city.id,
            enterpriseId,
          })
          .returning({ id: users.id });
        userId = row?.id;
      }
      if (userId === undefined) throw new WeftError("INTERNAL", `demo user ${u.email} missing`);
      for (const parkKey of u.parks) {
        const pid = parkId.get(parkKey);
        if (pid !== undefined)
          await tx.insert(userParks).values({ userId, parkId: pid }).onConflictDoNothing();
      }
      out.users.push({ email: u.email, password: u.password, role: u.role, name: u.name });
    }
    return out;
  });
}
