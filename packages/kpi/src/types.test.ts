import { describe, expectTypeOf, it } from "vitest";
import {
  type Bucket,
  type CounterDelta,
  counterDelta,
  emptyElements,
  kpisFromElements,
  type MachineTracker,
  ShiftCalendar,
  type ShiftCalendarInput,
  sortReadings,
} from "./index.ts";

describe("public types", () => {
  it("sortReadings keeps the caller's reading type", () => {
    const rs = [{ ts: 1, state: "idle" as const, point: "p1" }];
    expectTypeOf(sortReadings(rs)).toEqualTypeOf<{ ts: number; state: "idle"; point: string }[]>();
  });

  it("KPIs are number | null, never plain number", () => {
    const k = kpisFromElements(emptyElements());
    expectTypeOf(k.oee).toEqualTypeOf<number | null>();
    expectTypeOf(k.mtbfS).toEqualTypeOf<number | null>();
  });

  it("counter deltas, trackers and rows are plain data", () => {
    expectTypeOf(counterDelta(1, 2, { type: "uint16" })).toEqualTypeOf<CounterDelta>();
    expectTypeOf<Bucket["running_s"]>().toEqualTypeOf<number>();
    expectTypeOf<MachineTracker["idealCycleS"]>().toEqualTypeOf<number | null>();
  });

  it("the calendar schema accepts config input with defaults left out", () => {
    expectTypeOf<ShiftCalendarInput["holidays"]>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<ShiftCalendar["holidays"]>().toEqualTypeOf<string[]>();
    expectTypeOf(ShiftCalendar.parse).returns.toEqualTypeOf<ShiftCalendar>();
  });
});
