/**
 * The big city of issue 16: 1,000 parks and 100,000 enterprises (100 each); every 5th enterprise has a
 * production machine with a state and a counter point and live data 0–49 hours old (so about 2,800
 * enterprises are covered and some 10,000 must be evaluated one by one), and 365 days of park and
 * city snapshots. Seeded with
 * set-wise SQL (`generate_series`) and multi-row inserts; progress goes to stderr.
 */
import type { DbHandle } from "@weft/db/client";
import { cities, parks } from "@weft/db/schema";
import { completeCreditCode } from "@weft/industry-brain";

export const LARGE_PARKS = 1_000;
export const LARGE_ENTERPRISES = 100_000;
const ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const INDUSTRIES = ["C23", "C21", "C17", "C18", "C20", "C34"];
const CHUNK = 5_000;

function progress(msg: string): void {
  process.stderr.write(`[seed large city] ${msg}\n`);
}

/**
 * The first 17 characters of a valid GB 32100 credit code, unique per `i` (base 31 in the code's
 * alphabet after `prefix`); completeCreditCode adds the check character.
 */
export function creditStem(i: number, prefix = "91331005"): string {
  let s = "";
  let n = i;
  for (let k = 0; k < 9; k++) {
    s = ALPHA.charAt(n % 31) + s;
    n = Math.floor(n / 31);
  }
  return `${prefix}${s}`;
}

function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Seed the large city; returns its id. */
export async function seedLargeCity(
  db: DbHandle,
  parksCount = LARGE_PARKS,
  enterprisesCount = LARGE_ENTERPRISES,
): Promise<number> {
  const t0 = Date.now();
  const [city] = await db.db
    .insert(cities)
    .values({ key: "bench-large", name: "大基准市", nameEn: "Large Bench City" })
    .returning({ id: cities.id });
  const cityId = Number(city?.id);
  const run = (text: string) => db.db.execute(text);
  await run(`insert into parks (key, city_id, name, name_en)
    select 'large-park-' || g, ${cityId}, '大基准园区 ' || g, 'Large Park ' || g
    from generate_series(1, ${parksCount}) g`);
  const parkIds = (await db.db.select({ id: parks.id, cityId: parks.cityId }).from(parks).orderBy(parks.id))
    .filter((r) => r.cityId === cityId)
    .map((r) => r.id);
  progress(`${parksCount} parks in ${Date.now() - t0} ms`);
  for (let from = 0; from < enterprisesCount; from += CHUNK) {
    const values: string[] = [];
    for (let i = from; i < Math.min(enterprisesCount, from + CHUNK); i++) {
      const park = parkIds[i % parkIds.length] ?? 0;
      const code = completeCreditCode(creditStem(i + 1));
      values.push(
        `(${literal(`large-e-${i}`)}, ${park}, ${literal(`大基准企业 ${i + 1}`)}, ${literal(`Large Enterprise ${i + 1}`)}, ${literal(code)}, ${literal(INDUSTRIES[i % INDUSTRIES.length] ?? "C23")}, ${i % 3 === 0}, ${(i % 7) + 1})`,
      );
    }
    await run(
      `insert into enterprises (key, park_id, name, name_en, credit_code, industry_code, above_scale, declared_machines)
      values ${values.join(",")}`,
    );
    progress(
      `${Math.min(enterprisesCount, from + CHUNK)}/${enterprisesCount} enterprises, ${Date.now() - t0} ms`,
    );
  }
  // Every 5th enterprise has one production machine with a state and a counter point.
  await run(`insert into machines (key, enterprise_id, name, kind, production)
    select 'large-m-' || e.id, e.id, 'Machine ' || e.id, 'generic-machine', true
    from enterprises e join parks p on p.id = e.park_id
    where p.city_id = ${cityId} and e.id % 5 = 0`);
  await run(`insert into points (machine_id, key, signal)
    select m.id, s.key, s.key from machines m cross join (values ('state'), ('goodCount')) s(key)
    where m.key like 'large-m-%'`);
  await run(`insert into machine_live (machine_id, state, state_ts, state_since, last_ts, last_seen_at)
    select m.id, 'running', now(), now(), now() - (m.id % 50) * interval '1 hour', now()
    from machines m where m.key like 'large-m-%'`);
  progress(`machines and live states, ${Date.now() - t0} ms`);
  await run(`insert into coverage_snapshots (day, scope, scope_id, covered, total, met)
    select (current_date - d)::date, 'park', p.id,
      round(((365 - d) / 365.0) * 100 * ((p.id % 10) / 10.0 + 0.1))::int, 100,
      round(((365 - d) / 365.0) * 100 * ((p.id % 10) / 10.0 + 0.1)) >= 80
    from generate_series(1, 365) d cross join parks p where p.city_id = ${cityId}`);
  await run(`insert into coverage_snapshots (day, scope, scope_id, covered, total, met, details)
    select (current_date - d)::date, 'city', ${cityId}, 0, ${parksCount}, false,
      case when d < 100 then '{"industriesOnboarded":["C23","C21"]}'::jsonb
        else '{"industriesOnboarded":["C23"]}'::jsonb end
    from generate_series(1, 365) d`);
  progress(`365 days of snapshots, done in ${Date.now() - t0} ms`);
  return cityId;
}
