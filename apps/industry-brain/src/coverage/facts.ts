import type { DbHandle } from "@weft/db/client";
import { type SQL, sql } from "drizzle-orm";
import { connectedSql } from "../machines/connected.ts";
import type { Declaration } from "./declarations.ts";
import type { EnterpriseFacts } from "./evaluate.ts";
import type { EnterpriseItem, ParkItem } from "./rules.ts";

/** Which part of a city a query reads; `parkIds`/`enterpriseIds` null → all. */
export interface CoverageScope {
  cityId: number;
  parkIds: number[] | null;
  enterpriseIds: number[] | null;
}

export interface ParkRow {
  id: number;
  key: string;
  name: string;
  nameEn: string | null;
}

export interface EnterpriseRow {
  id: number;
  key: string;
  parkId: number;
  name: string;
  nameEn: string | null;
  creditCode: string;
  industryCode: string;
  aboveScale: boolean;
  declaredMachines: number;
  createdAt: Date;
  /** All production machines registered in the brain. */
  registeredMachines: number;
}

/** A timestamp from a raw row: PGlite gives Date, postgres.js a string. */
export function asDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  let s = String(v);
  if (/^\d{4}-\d\d-\d\d \d/.test(s)) s = s.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00");
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

function inList(column: SQL, ids: number[] | null): SQL {
  if (ids === null) return sql`true`;
  if (ids.length === 0) return sql`false`;
  return sql`${column} in (${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )})`;
}

export async function loadParks(h: DbHandle, scope: CoverageScope): Promise<ParkRow[]> {
  const rows = await h.query<{ id: number; key: string; name: string; name_en: string | null }>(sql`
    select id, key, name, name_en from parks
    where city_id = ${scope.cityId} and ${inList(sql`id`, scope.parkIds)}
    order by id`);
  return rows.map((r) => ({ id: Number(r.id), key: r.key, name: r.name, nameEn: r.name_en }));
}

interface RawEnterprise {
  id: number;
  key: string;
  park_id: number;
  name: string;
  name_en: string | null;
  credit_code: string;
  industry_code: string;
  above_scale: boolean;
  declared_machines: number;
  created_at: unknown;
  registered: number | string;
  connected: number | string;
  kpi: number | string;
  energy: boolean | null;
  last_ts: unknown;
}

/**
 * One row per enterprise in scope with its measured inputs (`registered`, `connected`, `kpi`,
 * `energy`, `last_ts`): the SQL both the full report and the city summary read; `only` narrows the
 * enterprises further (SQL over `e`).
 */
export function enterpriseFactsSql(
  scope: CoverageScope,
  now: Date,
  connectedWithinHours: number,
  only: SQL = sql`true`,
): SQL {
  return sql`
    with pf as (
      select machine_id,
        bool_or(signal = 'state') as st,
        bool_or(signal in ('goodCount', 'totalCount', 'rejectCount')) as ctr,
        bool_or(signal = 'energyKwh') as en
      from points group by machine_id
    ),
    cf as (
      select machine_id,
        bool_or(role in ('goodCount', 'totalCount', 'rejectCount')) as ctr,
        bool_or(role = 'energyKwh') as en
      from machine_counters group by machine_id
    ),
    m as (
      select mc.id, mc.enterprise_id, mc.production, ml.last_ts, ml.state,
        coalesce(pf.st, false) or ml.state is not null as has_state,
        coalesce(pf.ctr, false) or coalesce(cf.ctr, false) as has_counter,
        coalesce(pf.en, false) or coalesce(cf.en, false) as has_energy
      from machines mc left join machine_live ml on ml.machine_id = mc.id
        left join pf on pf.machine_id = mc.id
        left join cf on cf.machine_id = mc.id
    )
    select e.id, e.key, e.park_id, e.name, e.name_en, e.credit_code, e.industry_code, e.above_scale,
      e.declared_machines, e.created_at,
      count(m.id) filter (where m.production) as registered,
      count(m.id) filter (where ${connectedSql(sql`m.production`, sql`m.last_ts`, now.getTime(), connectedWithinHours)}) as connected,
      count(m.id) filter (where m.has_state and m.has_counter) as kpi,
      coalesce(bool_or(m.has_energy), false) as energy,
      max(m.last_ts) as last_ts
    from enterprises e
    join parks pk on pk.id = e.park_id
    left join m on m.enterprise_id = e.id
    where pk.city_id = ${scope.cityId} and ${inList(sql`e.park_id`, scope.parkIds)}
      and ${inList(sql`e.id`, scope.enterpriseIds)} and ${only}
    group by e.id`;
}

/** Enterprises in scope with their measured inputs, in one query. */
export async function loadEnterpriseFacts(
  h: DbHandle,
  scope: CoverageScope,
  now: Date,
  connectedWithinHours: number,
): Promise<{ rows: EnterpriseRow[]; facts: Map<number, Omit<EnterpriseFacts, "declarations">> }> {
  const raw = await h.query<RawEnterprise>(sql`
    select * from (${enterpriseFactsSql(scope, now, connectedWithinHours)}) f
    order by f.park_id, f.id`);
  const rows: EnterpriseRow[] = [];
  const facts = new Map<number, Omit<EnterpriseFacts, "declarations">>();
  for (const r of raw) {
    const id = Number(r.id);
    rows.push({
      id,
      key: r.key,
      parkId: Number(r.park_id),
      name: r.name,
      nameEn: r.name_en,
      creditCode: r.credit_code,
      industryCode: r.industry_code,
      aboveScale: r.above_scale,
      declaredMachines: Number(r.declared_machines),
      createdAt: asDate(r.created_at) ?? now,
      registeredMachines: Number(r.registered),
    });
    facts.set(id, {
      creditCode: r.credit_code,
      industryCode: r.industry_code,
      aboveScale: r.above_scale,
      declaredMachines: Number(r.declared_machines),
      connectedMachines: Number(r.connected),
      lastDataAt: asDate(r.last_ts),
      kpiMachines: Number(r.kpi),
      energySignal: r.energy === true,
    });
  }
  return { rows, facts };
}

interface RawDeclaration {
  enterprise_id: number | null;
  park_id: number | null;
  item: string;
  value: unknown;
  declared_at: unknown;
  evidence_url: string | null;
  note: string | null;
  by_name: string | null;
}

export interface DeclarationMaps {
  enterprise: Map<number, Partial<Record<EnterpriseItem, Declaration>>>;
  park: Map<number, Partial<Record<ParkItem, Declaration>>>;
}

/** The newest declaration per (enterprise or park, item) in scope. */
export async function loadDeclarations(h: DbHandle, scope: CoverageScope): Promise<DeclarationMaps> {
  const raw = await h.query<RawDeclaration>(sql`
    select distinct on (d.enterprise_id, d.park_id, d.item)
      d.enterprise_id, d.park_id, d.item, d.value, d.declared_at, d.evidence_url, d.note,
      coalesce(nullif(u.name, ''), u.email) as by_name
    from coverage_declarations d
    left join users u on u.id = d.declared_by
    left join enterprises e on e.id = d.enterprise_id
    join parks pk on pk.id = coalesce(d.park_id, e.park_id)
    where pk.city_id = ${scope.cityId} and ${inList(sql`pk.id`, scope.parkIds)}
    order by d.enterprise_id, d.park_id, d.item, d.declared_at desc, d.id desc`);
  const out: DeclarationMaps = { enterprise: new Map(), park: new Map() };
  for (const r of raw) {
    const value = typeof r.value === "string" ? safeJson(r.value) : r.value;
    const d: Declaration = {
      value,
      declaredBy: r.by_name,
      declaredAt: asDate(r.declared_at) ?? new Date(0),
      evidenceUrl: r.evidence_url,
      note: r.note,
    };
    if (r.enterprise_id !== null) {
      const id = Number(r.enterprise_id);
      const m = out.enterprise.get(id) ?? {};
      m[r.item as EnterpriseItem] = d;
      out.enterprise.set(id, m);
    } else if (r.park_id !== null) {
      const id = Number(r.park_id);
      const m = out.park.get(id) ?? {};
      m[r.item as ParkItem] = d;
      out.park.set(id, m);
    }
  }
  return out;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
