import { WeftError } from "@weft/core";
import type { DbHandle } from "@weft/db/client";
import { sql } from "drizzle-orm";
import type { UserPrincipal } from "../auth/principal.ts";
import type { CoverageScope } from "./facts.ts";

export interface ResolvedScope extends CoverageScope {
  city: { id: number; key: string; name: string; nameEn: string | null };
}

interface CityRow {
  id: number;
  key: string;
  name: string;
  name_en: string | null;
}

/**
 * The part of a city a user may see: a city-admin their city (or the requested/first one when
 * not bound to a city), a park-manager their parks, an enterprise-user their enterprise.
 */
export async function coverageScope(
  h: DbHandle,
  user: UserPrincipal,
  cityId?: number,
): Promise<ResolvedScope> {
  let city: CityRow | undefined;
  let parkIds: number[] | null = null;
  let enterpriseIds: number[] | null = null;
  switch (user.role) {
    case "city-admin": {
      const want = user.cityId ?? cityId ?? null;
      const rows = await h.query<CityRow>(
        want === null
          ? sql`select id, key, name, name_en from cities order by id limit 1`
          : sql`select id, key, name, name_en from cities where id = ${want}`,
      );
      city = rows[0];
      break;
    }
    case "park-manager": {
      parkIds = user.parkIds;
      const first = cityId !== undefined ? sql`and c.id = ${cityId}` : sql``;
      const ids = parkIds.length ? parkIds : [-1];
      const rows = await h.query<CityRow>(sql`select c.id, c.key, c.name, c.name_en from cities c
        join parks p on p.city_id = c.id where p.id in (${sql.join(
          ids.map((i) => sql`${i}`),
          sql`, `,
        )}) ${first} order by c.id limit 1`);
      city = rows[0];
      break;
    }
    case "enterprise-user": {
      const rows = await h.query<
        CityRow & { park_id: number }
      >(sql`select c.id, c.key, c.name, c.name_en, p.id as park_id
        from enterprises e join parks p on p.id = e.park_id join cities c on c.id = p.city_id
        where e.id = ${user.enterpriseId ?? -1}`);
      city = rows[0];
      parkIds = city ? [Number(rows[0]?.park_id)] : [];
      enterpriseIds = user.enterpriseId === null ? [] : [user.enterpriseId];
      break;
    }
  }
  if (!city) throw new WeftError("NOT_FOUND", "no city is visible to you", { field: "cityId" });
  return {
    cityId: Number(city.id),
    parkIds,
    enterpriseIds,
    city: { id: Number(city.id), key: city.key, name: city.name, nameEn: city.name_en },
  };
}
