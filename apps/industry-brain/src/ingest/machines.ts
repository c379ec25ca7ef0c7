import type { WeftExecutor } from "@weft/db";
import { pgArray, queryPrepared, queryRows } from "@weft/db";
import { sql } from "drizzle-orm";

export interface IngestMachine {
  id: number;
  key: string;
  enterpriseId: number;
  timeZone: string;
  idealCycleS: number | null;
}

async function lookup(
  db: WeftExecutor,
  enterpriseId: number,
  keys: readonly string[],
): Promise<IngestMachine[]> {
  const rows = await queryPrepared<{
    id: number;
    key: string;
    enterprise_id: number;
    time_zone: string;
    ideal_cycle_s: number | null;
  }>(
    db,
    // A join on unnest, not `key = any($keys)`: a prepared statement's array parameter is searched
    // linearly for every machine of the enterprise (PostgreSQL hashes only constant arrays), which was
    // a third of the server's CPU at a thousand machines a batch; the join probes the unique index.
    sql`select m.id, m.key, m.enterprise_id, e.time_zone, m.ideal_cycle_s
        from unnest(${pgArray([...keys], "text")}) as k(key)
        join machines m on m.enterprise_id = ${enterpriseId} and m.key = k.key
        join enterprises e on e.id = m.enterprise_id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    key: r.key,
    enterpriseId: Number(r.enterprise_id),
    timeZone: r.time_zone,
    idealCycleS: r.ideal_cycle_s === null ? null : Number(r.ideal_cycle_s),
  }));
}

/**
 * Machines named in a batch, by key within the gateway's enterprise. Unknown keys are registered in
 * that enterprise (a new machine appears in the brain within minutes of being wired up). Keys are
 * unique per enterprise, so the same key in another enterprise is another machine: a gateway can
 * neither write nor block another enterprise's machines, whoever used a key first.
 */
export async function resolveMachines(
  db: WeftExecutor,
  enterpriseId: number,
  keys: readonly string[],
): Promise<{ machines: Map<string, IngestMachine>; registered: string[] }> {
  const unique = [...new Set(keys)];
  let found = await lookup(db, enterpriseId, unique);
  const registered: string[] = [];
  if (found.length < unique.length) {
    const have = new Set(found.map((m) => m.key));
    const missing = unique.filter((k) => !have.has(k));
    // A concurrent batch may register the same key first: then this insert skips it and the
    // second lookup finds that machine.
    const inserted = await queryRows<{ key: string }>(
      db,
      sql`insert into machines (key, enterprise_id, name, kind)
          select k, ${enterpriseId}, k, 'generic-machine' from unnest(${pgArray(missing, "text")}) as k
          on conflict (enterprise_id, key) do nothing returning key`,
    );
    registered.push(...inserted.map((r) => r.key));
    found = await lookup(db, enterpriseId, unique);
  }
  const machines = new Map(found.map((m) => [m.key, m]));
  return { machines, registered };
}
