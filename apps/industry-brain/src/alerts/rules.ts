import type { AlertKind, AlertParams } from "@weft/db/schema";

/**
 * Alert rules as pure logic: given what the brain already derives (machine live state, gateway
 * last contact, OEE over a window, park coverage), which subjects fire. No I/O here; `facts.ts`
 * loads the facts and `evaluator.ts` writes the outcome.
 */

export interface RuleScope {
  cityId: number;
  parkId: number | null;
  enterpriseId: number | null;
}

export interface Rule extends RuleScope {
  id: number;
  kind: AlertKind;
  params: AlertParams;
  enabled: boolean;
}

/** Where a fact sits, for matching a rule's scope. */
interface Placed {
  /** English label where the names have one (the wall and the app in English show it). */
  labelEn?: string | null;
  cityId: number;
  parkId: number;
  enterpriseId: number | null;
}

export interface MachineFact extends Placed {
  id: number;
  label: string;
  /** Current state from the live table, or null before any state reading. */
  state: string | null;
  stateSince: number | null;
  /** Newest reading of any point (null: never sent data). */
  lastTs: number | null;
  /** OEE over the rule's window (filled per window by the loader; null when there was no planned time). */
  oee?: number | null;
}

export interface GatewayFact extends Placed {
  id: string;
  label: string;
  revoked: boolean;
  lastSeenAt: number | null;
  /** How far the newest reading it delivered lags its arrival (ms): a gateway draining a backlog. */
  lagMs: number | null;
}

export interface ParkFact {
  cityId: number;
  parkId: number;
  label: string;
  labelEn?: string | null;
  /** Share of the park's enterprises covered (0..1), null when it has none. */
  ratio: number | null;
}

export interface Facts {
  now: number;
  /** A machine silent for longer than this counts as offline (the brain's `staleAfterMs`). */
  staleAfterMs: number;
  machines: readonly MachineFact[];
  gateways: readonly GatewayFact[];
  parks: readonly ParkFact[];
  /** OEE per machine id and window (minutes), loaded for the oee-below rules. */
  oee?: ReadonlyMap<string, number | null>;
}

export interface Firing {
  subject: string;
  label: string;
  labelEn?: string;
  /** Minutes for time rules, a 0..1 ratio for OEE and coverage. */
  value: number;
}

/** Defaults per kind when a threshold is left out. */
export const DEFAULT_PARAMS: Record<AlertKind, Required<Pick<AlertParams, "minutes">> & AlertParams> = {
  "machine-down": { minutes: 15 },
  "oee-below": { minutes: 480, ratio: 0.6 },
  "gateway-silent": { minutes: 10 },
  "gateway-backlog": { minutes: 30 },
  "data-stale": { minutes: 30 },
  "coverage-below": { minutes: 0, ratio: 0.8 },
};

/** A firing for a fact (its English label only when it has one). */
function fire(subject: string, f: { label: string; labelEn?: string | null }, value: number): Firing {
  return f.labelEn
    ? { subject, label: f.label, labelEn: f.labelEn, value }
    : { subject, label: f.label, value };
}

export const oeeKey = (machineId: number, minutes: number): string => `${machineId}@${minutes}`;

export function inScope(rule: RuleScope, f: Placed): boolean {
  if (rule.enterpriseId !== null) return f.enterpriseId === rule.enterpriseId;
  if (rule.parkId !== null) return f.parkId === rule.parkId;
  return f.cityId === rule.cityId;
}

const MIN = 60_000;
const DOWN_STATES = new Set(["down", "offline"]);

/** Since when a machine has been down or offline (silence beyond `staleAfterMs` is offline), or null. */
export function downSince(m: MachineFact, now: number, staleAfterMs: number): number | null {
  if (m.lastTs !== null && now - m.lastTs > staleAfterMs) {
    return m.state !== null && DOWN_STATES.has(m.state) && m.stateSince !== null
      ? Math.min(m.stateSince, m.lastTs)
      : m.lastTs;
  }
  if (m.state !== null && DOWN_STATES.has(m.state) && m.stateSince !== null) return m.stateSince;
  return null;
}

/** The subjects a rule fires for, given the facts. A disabled rule fires for nothing. */
export function evaluateRule(rule: Rule, facts: Facts): Firing[] {
  if (!rule.enabled) return [];
  const p = { ...DEFAULT_PARAMS[rule.kind], ...rule.params };
  const minutes = p.minutes ?? 0;
  const now = facts.now;
  const out: Firing[] = [];
  switch (rule.kind) {
    case "machine-down":
      for (const m of facts.machines) {
        if (!inScope(rule, m)) continue;
        const since = downSince(m, now, facts.staleAfterMs);
        if (since !== null && now - since >= minutes * MIN)
          out.push(fire(`machine:${m.id}`, m, (now - since) / MIN));
      }
      return out;
    case "data-stale":
      for (const m of facts.machines) {
        if (!inScope(rule, m) || m.lastTs === null) continue;
        if (now - m.lastTs >= minutes * MIN) out.push(fire(`machine:${m.id}`, m, (now - m.lastTs) / MIN));
      }
      return out;
    case "oee-below":
      for (const m of facts.machines) {
        if (!inScope(rule, m)) continue;
        const oee = facts.oee?.get(oeeKey(m.id, minutes)) ?? null;
        if (oee !== null && oee < (p.ratio ?? 0)) out.push(fire(`machine:${m.id}`, m, oee));
      }
      return out;
    case "gateway-silent":
      for (const g of facts.gateways) {
        if (!inScope(rule, g) || g.revoked || g.lastSeenAt === null) continue;
        if (now - g.lastSeenAt >= minutes * MIN)
          out.push(fire(`gateway:${g.id}`, g, (now - g.lastSeenAt) / MIN));
      }
      return out;
    case "gateway-backlog":
      for (const g of facts.gateways) {
        if (!inScope(rule, g) || g.revoked || g.lagMs === null) continue;
        if (g.lagMs >= minutes * MIN) out.push(fire(`gateway:${g.id}`, g, g.lagMs / MIN));
      }
      return out;
    case "coverage-below":
      for (const k of facts.parks) {
        if (!inScope(rule, { ...k, enterpriseId: null }) || k.ratio === null) continue;
        if (k.ratio < (p.ratio ?? 0)) out.push(fire(`park:${k.parkId}`, k, k.ratio));
      }
      return out;
  }
}

export interface Unresolved {
  id: number;
  ruleId: number;
  subject: string;
}

export interface Plan {
  open: { ruleId: number; firing: Firing }[];
  /** Alerts whose condition cleared (or whose rule is gone or disabled). */
  resolve: number[];
}

/**
 * What to change so the unresolved alerts match the firings: open what fires without an alert,
 * resolve what no longer fires. Applying a plan and planning again gives an empty plan, so a
 * restart or a second evaluator never opens a duplicate.
 */
export function reconcile(
  unresolved: readonly Unresolved[],
  firings: ReadonlyMap<number, readonly Firing[]>,
): Plan {
  const firingKeys = new Set<string>();
  for (const [ruleId, fs] of firings) for (const f of fs) firingKeys.add(`${ruleId}|${f.subject}`);
  const have = new Set(unresolved.map((a) => `${a.ruleId}|${a.subject}`));
  const open: Plan["open"] = [];
  const seen = new Set<string>();
  for (const [ruleId, fs] of firings) {
    for (const f of fs) {
      const k = `${ruleId}|${f.subject}`;
      if (have.has(k) || seen.has(k)) continue;
      seen.add(k);
      open.push({ ruleId, firing: f });
    }
  }
  const resolve = unresolved.filter((a) => !firingKeys.has(`${a.ruleId}|${a.subject}`)).map((a) => a.id);
  return { open, resolve };
}
