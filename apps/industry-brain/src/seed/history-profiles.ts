import type { MachineState } from "@weft/core";
import type { ShiftCalendarInput } from "@weft/kpi";

/**
 * How one industry's machines spend a month, as data: the demo's 30 days of history are drawn from
 * these, so the industries differ the way they do in a real city (presses on two long shifts with
 * long make-ready, furniture on a day shift with the nights off, robots on three shifts, looms
 * round the clock).
 */
export interface HistoryProfile {
  /** Work windows per day as local hours [start, end) (end may pass 24: the window runs past midnight). */
  shifts: readonly (readonly [number, number])[];
  /** Breaks inside the shifts, local hours [start, end): the machine idles. */
  breaks: readonly (readonly [number, number])[];
  /** Days of the week worked (0 Sunday … 6 Saturday). */
  workdays: readonly number[];
  /** What the machine reports outside its shifts: idle (powered, waiting) or nothing at all (switched off). */
  offShift: Extract<MachineState, "idle" | "offline">;
  /** Setup (make-ready, tool change) before each job, minutes. */
  setupMin: readonly [number, number];
  /** Units per job. */
  jobUnits: readonly [number, number];
  /** Actual rate over ideal rate while running (ISO 22400 effectiveness before microstops). */
  speed: readonly [number, number];
  /** Share of units produced while running that are scrap. */
  scrap: number;
  /** Make-ready waste per job (printing: sheets run during setup to reach colour). */
  setupWaste: readonly [number, number];
  /** Short stops (< 1 min) per running hour. */
  microstopsPerHour: number;
  /** Breakdowns per running hour, and how long one lasts in minutes. */
  breakdownsPerHour: number;
  repairMin: readonly [number, number];
  /** Electrical power by state, kW. */
  kw: Record<Exclude<MachineState, "offline">, number>;
}

const PRINTING: HistoryProfile = {
  shifts: [
    [8, 20],
    [20, 32],
  ],
  breaks: [
    [12, 12.5],
    [0, 0.5],
  ],
  workdays: [1, 2, 3, 4, 5, 6],
  offShift: "idle",
  setupMin: [20, 45],
  jobUnits: [8_000, 30_000],
  speed: [0.78, 0.9],
  scrap: 0.015,
  setupWaste: [150, 400],
  microstopsPerHour: 2,
  breakdownsPerHour: 0.04,
  repairMin: [20, 90],
  kw: { running: 60, setup: 25, idle: 5, down: 3 },
};

const FURNITURE: HistoryProfile = {
  shifts: [[8, 17]],
  breaks: [[11.5, 12.5]],
  workdays: [1, 2, 3, 4, 5, 6],
  offShift: "offline",
  setupMin: [15, 40],
  jobUnits: [40, 160],
  speed: [0.7, 0.85],
  scrap: 0.03,
  setupWaste: [0, 2],
  microstopsPerHour: 1,
  breakdownsPerHour: 0.03,
  repairMin: [30, 120],
  kw: { running: 22, setup: 6, idle: 3, down: 1 },
};

const ROBOTICS: HistoryProfile = {
  shifts: [
    [0, 8],
    [8, 16],
    [16, 24],
  ],
  breaks: [
    [12, 12.5],
    [20, 20.5],
  ],
  workdays: [1, 2, 3, 4, 5],
  offShift: "idle",
  setupMin: [10, 25],
  jobUnits: [200, 600],
  speed: [0.88, 0.97],
  scrap: 0.005,
  setupWaste: [0, 3],
  microstopsPerHour: 2,
  breakdownsPerHour: 0.015,
  repairMin: [15, 60],
  kw: { running: 12, setup: 4, idle: 2, down: 1 },
};

const TEXTILE: HistoryProfile = {
  shifts: [
    [8, 20],
    [20, 32],
  ],
  breaks: [],
  workdays: [0, 1, 2, 3, 4, 5, 6],
  offShift: "idle",
  setupMin: [30, 60],
  jobUnits: [200_000, 500_000],
  speed: [0.82, 0.93],
  scrap: 0.008,
  setupWaste: [0, 0],
  microstopsPerHour: 2,
  breakdownsPerHour: 0.02,
  repairMin: [15, 45],
  kw: { running: 9, setup: 3, idle: 1.5, down: 0.5 },
};

/** The profile for a GB/T 4754 industry code (division C23, C21, C34, C17/C18; others work like C34). */
export function historyProfileFor(industryCode: string): HistoryProfile {
  const division = industryCode.slice(0, 3);
  if (division === "C23") return PRINTING;
  if (division === "C21" || division === "C20") return FURNITURE;
  if (division === "C17" || division === "C18") return TEXTILE;
  return ROBOTICS;
}

const WEEKDAY_BY_JS_DAY = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const hhmm = (h: number) => {
  const m = Math.round((((h % 24) + 24) % 24) * 60);
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
};
/** 白班 from the morning, 中班 from the afternoon, 夜班 from the evening or night (a 20:00 shift is a night shift). */
const shiftName = (start: number) =>
  start >= 5 && start < 12 ? "白班" : start >= 12 && start < 18 ? "中班" : "夜班";

/**
 * The shift calendar a profile works by: its shifts on its workdays, minus its breaks. The demo
 * enterprises get these, so planned time is the time the history works (a press idle on a Sunday
 * it does not work is not an availability loss, a furniture shop closed at 17:00 not a breakdown).
 */
export function profileCalendar(p: HistoryProfile, timeZone = "Asia/Shanghai"): ShiftCalendarInput {
  const days = p.workdays.map((d) => WEEKDAY_BY_JS_DAY[d] ?? "mon");
  return {
    timeZone,
    shifts: p.shifts.map(([start, end]) => ({
      name: shiftName(start),
      days: [...days],
      start: hhmm(start),
      end: hhmm(end),
      breaks: p.breaks
        .flatMap(([bs, be]) => [
          [bs, be],
          [bs + 24, be + 24],
        ])
        .filter(([bs = 0]) => bs >= start && bs < end)
        .map(([bs = 0, be = 0]) => ({ start: hhmm(bs), end: hhmm(be) })),
    })),
  };
}
