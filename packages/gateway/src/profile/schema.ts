import { CounterSpec, MachineKind, MachineState, SignalRole } from "@weft/core";
import { z } from "zod";
import { Duration } from "../config/units.ts";

const Expr = z.string().min(1).meta({ description: "Expression over input names (see README: expressions)" });
const InputName = z
  .string()
  .min(1)
  .meta({ description: "Input name (a point id, or a name bound with `bind`)" });

/** A signal copied from one point, optionally scaled. */
const FromSpec = z.strictObject({
  from: InputName,
  scale: z.number().finite().optional(),
  offset: z.number().finite().optional(),
  /** A counter's width or rollover (`{ bits: 16 }`, `{ max: 999999 }`), overriding the connector's. */
  counter: CounterSpec.optional().meta({
    description: "Counter width or rollover: { bits: 16 | 32 | 64 } or { max: 999999 }",
  }),
});
const ExprSpec = z.strictObject({ expr: Expr });
const ConstSpec = z.strictObject({ const: z.union([z.number(), z.string(), z.boolean()]) });
/** A lookup table from a point's raw value to a value (states: a machine state). */
const MapSpec = z.strictObject({
  from: InputName,
  map: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
/** First rule whose `when` holds gives the state. */
const RulesSpec = z.strictObject({
  rules: z.array(z.strictObject({ when: Expr, state: MachineState })).min(1),
  otherwise: MachineState.default("idle"),
});
/** A standard mapping from kpi.md, implemented by @weft/kpi. */
const StandardSpec = z.discriminatedUnion("standard", [
  z.strictObject({ standard: z.literal("jdf"), from: InputName }),
  z.strictObject({ standard: z.literal("packml"), from: InputName }),
  z.strictObject({
    standard: z.literal("machinery"),
    itemState: InputName,
    operationMode: InputName.optional(),
  }),
  z.strictObject({
    standard: z.literal("robot"),
    taskState: Expr.meta({ description: "true (or 'Executing') while a task executes" }),
    mode: Expr.meta({ description: "OPC 40010 mode: 1/2 manual, 3/4 automatic (number or name)" }),
    emergencyStop: Expr.optional(),
    protectiveStop: Expr.optional(),
    errorCode: Expr.optional(),
  }),
]);

export const SignalSpec = z.union([FromSpec, MapSpec, ExprSpec, ConstSpec, RulesSpec, StandardSpec]);
export type SignalSpec = z.infer<typeof SignalSpec>;

export const ProfileDefinition = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lowercase letters, digits and '-'"),
  description: z.string().optional(),
  machineKind: MachineKind.default("generic-machine"),
  /** Inputs a device must provide; signals using other, missing inputs are switched off. */
  required: z.array(InputName).default([]),
  /** The device disconnected for this long → `offline` is emitted at the edge. */
  staleAfter: Duration.default(30_000),
  /** The current state is re-sent at this interval while nothing changes (subscriptions only report changes). */
  heartbeat: Duration.default(10_000),
  /** Constants (e.g. `idealCycleS`) are re-sent at this interval. */
  constantsEvery: Duration.default(60_000),
  signals: z
    .partialRecord(SignalRole, SignalSpec)
    .refine((s) => Object.keys(s).length > 0, "map at least one signal"),
});
export type ProfileDefinition = z.infer<typeof ProfileDefinition>;
