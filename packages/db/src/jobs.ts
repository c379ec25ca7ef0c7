import { type SQL, sql } from "drizzle-orm";
import { pgArray } from "./internal/pg-array.ts";
import type { WeftExecutor } from "./types.ts";

/** Additive contribution to a job's totals; `firstTs`/`lastTs` widen the job's span. */
export interface JobDelta {
  machineId: number;
  jobId: string;
  firstTs: number | Date;
  lastTs: number | Date;
  produced?: number;
  good?: number;
  waste?: number;
  runS?: number;
  setupS?: number;
  energyKwh?: number;
}

const FIELDS = ["produced", "good", "waste", "runS", "setupS", "energyKwh"] as const;
const COLS = ["produced", "good", "waste", "run_s", "setup_s", "energy_kwh"];

const ms = (t: number | Date) => (typeof t === "number" ? t : t.getTime());

/** Merge deltas per (machine, job), sorted for a stable lock order. */
export function mergeJobDeltas(rows: readonly JobDelta[]): JobDelta[] {
  const byKey = new Map<string, Required<JobDelta>>();
  for (const r of rows) {
    const key = `${r.machineId}\u0000${r.jobId}`;
    const acc = byKey.get(key);
    if (!acc) {
      byKey.set(key, {
        machineId: r.machineId,
        jobId: r.jobId,
        firstTs: Math.min(ms(r.firstTs), ms(r.lastTs)),
        lastTs: Math.max(ms(r.firstTs), ms(r.lastTs)),
        produced: r.produced ?? 0,
        good: r.good ?? 0,
        waste: r.waste ?? 0,
        runS: r.runS ?? 0,
        setupS: r.setupS ?? 0,
        energyKwh: r.energyKwh ?? 0,
      });
      continue;
    }
    acc.firstTs = Math.min(ms(acc.firstTs), ms(r.firstTs), ms(r.lastTs));
    acc.lastTs = Math.max(ms(acc.lastTs), ms(r.firstTs), ms(r.lastTs));
    for (const f of FIELDS) acc[f] += r[f] ?? 0;
  }
  return [...byKey.values()].sort((a, b) => a.machineId - b.machineId || (a.jobId < b.jobId ? -1 : 1));
}

/**
 * Add to per-job totals (one UNNEST statement); first/last timestamps widen, sums add.
 * @example await upsertJobs(db, [{ machineId: 1, jobId: "J-7", firstTs, lastTs, produced: 500, good: 480 }]);
 */
export async function upsertJobs(db: WeftExecutor, rows: readonly JobDelta[]): Promise<number> {
  const merged = mergeJobDeltas(rows);
  if (merged.length === 0) return 0;
  await db.execute(jobsUpsertSql(merged));
  return merged.length;
}

/** The statement {@link upsertJobs} runs (null when there is nothing to add), to combine with others. */
export function jobsSql(rows: readonly JobDelta[]): SQL | null {
  const merged = mergeJobDeltas(rows);
  return merged.length === 0 ? null : jobsUpsertSql(merged);
}

function jobsUpsertSql(merged: readonly JobDelta[]): SQL {
  const arrays = FIELDS.map(
    (f) =>
      sql`${pgArray(
        merged.map((r) => r[f] ?? 0),
        "float8",
      )}`,
  );
  const cols = sql.raw(COLS.join(", "));
  const adds = sql.raw(COLS.map((c) => `${c} = jobs.${c} + excluded.${c}`).join(", "));
  return sql`
    insert into jobs (machine_id, job_id, first_ts, last_ts, ${cols})
    select u.machine_id, u.job_id, to_timestamp(u.f / 1000.0), to_timestamp(u.l / 1000.0), ${sql.raw(COLS.map((c) => `u.${c}`).join(", "))}
    from unnest(${pgArray(
      merged.map((r) => r.machineId),
      "int4",
    )}, ${pgArray(
      merged.map((r) => r.jobId),
      "text",
    )},
      ${pgArray(
        merged.map((r) => ms(r.firstTs)),
        "float8",
      )}, ${pgArray(
        merged.map((r) => ms(r.lastTs)),
        "float8",
      )},
      ${sql.join(arrays, sql`, `)}) as u(machine_id, job_id, f, l, ${cols})
    on conflict (machine_id, job_id) do update set
      first_ts = least(jobs.first_ts, excluded.first_ts), last_ts = greatest(jobs.last_ts, excluded.last_ts), ${adds}`;
}
