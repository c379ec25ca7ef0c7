import {
  type CounterSpec,
  MACHINE_STATES,
  type MachineState,
  type ReadingValue,
  type SignalRole,
} from "@weft/core";
import { fromJdfDeviceStatus, fromMachineryItemState, fromPackML, fromRobot } from "@weft/kpi";
import { type CompiledExpr, compileExpr, type ExprValue, type Scope } from "./expr.ts";
import type { ProfileDefinition, SignalSpec } from "./schema.ts";

/** A signal ready to evaluate: its inputs and a pure function of the current values. */
export interface CompiledSignal {
  role: SignalRole;
  inputs: string[];
  /** Set when the signal is a plain copy of one point: the raw reading is tagged instead of duplicated. */
  direct?: string;
  constant?: boolean;
  /** The counter width the profile declares for this signal (copied onto its readings). */
  counter?: CounterSpec;
  evaluate(scope: Scope): ReadingValue;
}

export interface CompiledProfile {
  definition: ProfileDefinition;
  signals: CompiledSignal[];
  /** Every input name any signal reads. */
  inputs: string[];
}

const asText = (v: ExprValue | undefined): string => (v === null || v === undefined ? "" : String(v));
const isState = (v: unknown): v is MachineState => (MACHINE_STATES as readonly unknown[]).includes(v);

function compileSignal(role: SignalRole, spec: SignalSpec, path: string): CompiledSignal {
  const ex = (source: string, field: string): CompiledExpr => {
    try {
      return compileExpr(source);
    } catch (e) {
      throw new Error(`${path}.${field}: ${(e as Error).message} in ${JSON.stringify(source)}`);
    }
  };
  if ("const" in spec) return { role, inputs: [], constant: true, evaluate: () => spec.const };
  if ("expr" in spec) {
    const e = ex(spec.expr, "expr");
    return { role, inputs: e.inputs, evaluate: (s) => e.evaluate(s) };
  }
  if ("rules" in spec) {
    const rules = spec.rules.map((r, i) => ({ when: ex(r.when, `rules[${i}].when`), state: r.state }));
    return {
      role,
      inputs: [...new Set(rules.flatMap((r) => r.when.inputs))],
      evaluate: (s) => {
        for (const r of rules) {
          const v = r.when.evaluate(s);
          if (v !== null && v !== false && v !== 0 && v !== "") return r.state;
        }
        return spec.otherwise;
      },
    };
  }
  if ("map" in spec) {
    return {
      role,
      inputs: [spec.from],
      evaluate: (s) => spec.map[asText(s[spec.from])] ?? spec.default ?? null,
    };
  }
  if ("standard" in spec) return compileStandard(role, spec, ex);
  const { from, scale, offset, counter } = spec;
  if (scale === undefined && offset === undefined)
    return {
      role,
      inputs: [from],
      direct: from,
      ...(counter ? { counter } : {}),
      evaluate: (s) => s[from] ?? null,
    };
  return {
    role,
    inputs: [from],
    evaluate: (s) => {
      const v = s[from];
      return typeof v === "number" ? v * (scale ?? 1) + (offset ?? 0) : null;
    },
  };
}

function compileStandard(
  role: SignalRole,
  spec: Extract<SignalSpec, { standard: string }>,
  ex: (source: string, field: string) => CompiledExpr,
): CompiledSignal {
  switch (spec.standard) {
    case "jdf":
      return { role, inputs: [spec.from], evaluate: (s) => fromJdfDeviceStatus(asText(s[spec.from])) };
    case "packml":
      return {
        role,
        inputs: [spec.from],
        evaluate: (s) => {
          const v = s[spec.from];
          return typeof v === "number" || typeof v === "string" ? fromPackML(v) : "offline";
        },
      };
    case "machinery": {
      const { itemState, operationMode } = spec;
      return {
        role,
        inputs: operationMode ? [itemState, operationMode] : [itemState],
        evaluate: (s) => {
          const item = s[itemState];
          const mode = operationMode ? s[operationMode] : null;
          if (typeof item !== "number" && typeof item !== "string") return "offline";
          return fromMachineryItemState(
            item,
            typeof mode === "number" || typeof mode === "string" ? mode : null,
          );
        },
      };
    }
    case "robot": {
      const parts = {
        taskState: ex(spec.taskState, "taskState"),
        mode: ex(spec.mode, "mode"),
        emergencyStop: spec.emergencyStop ? ex(spec.emergencyStop, "emergencyStop") : null,
        protectiveStop: spec.protectiveStop ? ex(spec.protectiveStop, "protectiveStop") : null,
        errorCode: spec.errorCode ? ex(spec.errorCode, "errorCode") : null,
      };
      const inputs = new Set(Object.values(parts).flatMap((p) => p?.inputs ?? []));
      const bool = (v: ExprValue) => v === true || (typeof v === "number" && v !== 0);
      return {
        role,
        inputs: [...inputs],
        evaluate: (s) => {
          const task = parts.taskState.evaluate(s);
          const mode = parts.mode.evaluate(s);
          const err = parts.errorCode?.evaluate(s) ?? null;
          return fromRobot({
            taskState: typeof task === "string" ? task : bool(task),
            mode: typeof mode === "number" || typeof mode === "string" ? mode : null,
            emergencyStop: bool(parts.emergencyStop?.evaluate(s) ?? null),
            protectiveStop: bool(parts.protectiveStop?.evaluate(s) ?? null),
            errorCode: typeof err === "number" || typeof err === "string" ? err : null,
          });
        },
      };
    }
  }
}

/** Compile a validated profile; an expression syntax error throws naming `signals.<role>.<field>`. */
export function compileProfile(definition: ProfileDefinition): CompiledProfile {
  const signals = Object.entries(definition.signals).flatMap(([role, spec]) =>
    spec ? [compileSignal(role as SignalRole, spec, `signals.${role}`)] : [],
  );
  return { definition, signals, inputs: [...new Set(signals.flatMap((s) => s.inputs))] };
}

export { isState };
