import type { BatchReading, Quality, Reading, ReadingValue } from "@weft/core";
import type { CompiledProfile, CompiledSignal } from "./compile.ts";
import { isState } from "./compile.ts";
import type { ExprValue } from "./expr.ts";

export interface ProfileBinding {
  machine: string;
  /** Point ids the device actually has. */
  pointIds: readonly string[];
  /** Profile input name → point id (default: the same name). */
  bind?: Readonly<Record<string, string>>;
}

/** Derived readings carry this point prefix, e.g. `signal.state`. */
export const DERIVED_POINT_PREFIX = "signal.";

const RANK: Record<Quality, number> = { good: 0, uncertain: 1, bad: 2 };

/**
 * Applies a device profile at the edge: tags raw readings with their signal role,
 * computes derived signals (state, expressions, constants) when their inputs arrive,
 * re-sends the state as a heartbeat and reports `offline` when the device is gone.
 * Signals whose inputs the device does not have are switched off (see `disabled`).
 */
export class ProfileEngine {
  readonly machine: string;
  readonly active: CompiledSignal[];
  /** Signals switched off because the device has none of their inputs. */
  readonly disabled: { role: string; missing: string[] }[] = [];
  /** Signals computed with some inputs absent (they read as null). */
  readonly partial: { role: string; missing: string[] }[] = [];
  private readonly bound = new Map<CompiledSignal, string[]>();
  private readonly namesByPoint = new Map<string, string[]>();
  private readonly directByPoint = new Map<string, CompiledSignal[]>();
  private readonly values: Record<string, ExprValue> = {};
  private readonly qualities = new Map<string, { quality: Quality; status?: string }>();
  private lastState: { value: ReadingValue; at: number } | null = null;
  private lastConstantsAt = Number.NEGATIVE_INFINITY;
  private disconnectedSince: number | null = null;

  constructor(
    private readonly profile: CompiledProfile,
    binding: ProfileBinding,
  ) {
    this.machine = binding.machine;
    const have = new Set(binding.pointIds);
    const pointOf = (name: string) => binding.bind?.[name] ?? name;
    for (const name of profile.inputs) {
      const point = pointOf(name);
      if (!have.has(point)) continue;
      this.namesByPoint.set(point, [...(this.namesByPoint.get(point) ?? []), name]);
    }
    this.active = profile.signals.filter((s) => {
      const missing = s.inputs.filter((i) => !have.has(pointOf(i)));
      this.bound.set(
        s,
        s.inputs.filter((i) => have.has(pointOf(i))),
      );
      if (missing.length === 0 || s.inputs.length === 0) return true;
      if (missing.length === s.inputs.length) {
        this.disabled.push({ role: s.role, missing });
        return false;
      }
      this.partial.push({ role: s.role, missing });
      return true;
    });
    for (const s of this.active)
      if (s.direct) {
        const point = pointOf(s.direct);
        this.directByPoint.set(point, [...(this.directByPoint.get(point) ?? []), s]);
      }
  }

  /** Tag and extend one delivery of readings from the device. */
  process(readings: readonly Reading[], now: number): BatchReading[] {
    const out: BatchReading[] = [];
    const touched = new Set<string>();
    let ts = 0;
    for (const r of readings) {
      const directs = this.directByPoint.get(r.point);
      const first = directs?.[0];
      out.push(
        first && r.quality !== "bad"
          ? first.counter
            ? { ...r, machine: this.machine, signal: first.role, counter: first.counter }
            : { ...r, machine: this.machine, signal: first.role }
          : { ...r, machine: this.machine },
      );
      for (const extra of directs?.slice(1) ?? [])
        if (r.quality !== "bad")
          out.push({
            ...r,
            machine: this.machine,
            point: `${DERIVED_POINT_PREFIX}${extra.role}`,
            signal: extra.role,
          });
      const names = this.namesByPoint.get(r.point);
      if (!names) continue;
      for (const n of names) {
        this.values[n] = toExprValue(r.value);
        this.qualities.set(n, r.status ? { quality: r.quality, status: r.status } : { quality: r.quality });
        touched.add(n);
      }
      if (r.ts > ts) ts = r.ts;
    }
    if (touched.size === 0) return out;
    for (const s of this.active) {
      if (s.direct || s.constant || !s.inputs.some((i) => touched.has(i))) continue;
      const derived = this.derive(s, ts);
      if (derived) out.push(derived);
    }
    if (now - this.lastConstantsAt >= this.profile.definition.constantsEvery) {
      this.lastConstantsAt = now;
      for (const s of this.active) if (s.constant) out.push(this.reading(s, ts, s.evaluate({}), "good"));
    }
    return out;
  }

  /** Call periodically with whether the connector is connected; returns heartbeat or offline readings. */
  tick(now: number, connected: boolean): BatchReading[] {
    const state = this.active.find((s) => s.role === "state");
    if (!state) return [];
    if (!connected) {
      this.disconnectedSince ??= now;
      const stale = now - this.disconnectedSince >= this.profile.definition.staleAfter;
      if (stale && this.lastState?.value !== "offline") {
        const r = this.reading(state, now, "offline", "good", "device disconnected");
        this.lastState = { value: "offline", at: now };
        return [r];
      }
      return [];
    }
    this.disconnectedSince = null;
    if (
      this.lastState &&
      this.lastState.value !== "offline" &&
      now - this.lastState.at >= this.profile.definition.heartbeat
    ) {
      this.lastState = { value: this.lastState.value, at: now };
      return [this.reading(state, now, this.lastState.value, "good")];
    }
    return [];
  }

  private derive(s: CompiledSignal, ts: number): BatchReading | null {
    let worst: Quality = "good";
    let status: string | undefined;
    for (const i of this.bound.get(s) ?? s.inputs) {
      const q = this.qualities.get(i);
      if (!q) return null;
      if (RANK[q.quality] > RANK[worst]) {
        worst = q.quality;
        status = q.status;
      }
    }
    if (s.role === "state") {
      const value = worst === "bad" ? "offline" : s.evaluate(this.values);
      if (!isState(value))
        return this.reading(s, ts, null, "bad", `profile: ${JSON.stringify(value)} is not a machine state`);
      this.lastState = { value, at: ts };
      return this.reading(
        s,
        ts,
        value,
        worst === "bad" ? "good" : worst,
        worst === "bad" ? `input bad: ${status ?? ""}` : undefined,
      );
    }
    if (worst === "bad") return null;
    const value = s.evaluate(this.values);
    if (value === null) return null;
    return this.reading(s, ts, value, worst);
  }

  private reading(
    s: CompiledSignal,
    ts: number,
    value: ReadingValue,
    quality: Quality,
    status?: string,
  ): BatchReading {
    const r: BatchReading = {
      machine: this.machine,
      point: `${DERIVED_POINT_PREFIX}${s.role}`,
      ts,
      value,
      quality,
      signal: s.role,
    };
    if (status) r.status = status.slice(0, 200);
    return r;
  }
}

function toExprValue(v: ReadingValue): ExprValue {
  if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}
