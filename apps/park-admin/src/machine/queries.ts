/**
 * The inputs of the machine page's panel queries, shared by the page (which asks for all of them
 * at once, in the overview's round trip) and the panels (which read the same cache entries).
 */
import type { TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { AppRouter } from "../trpc.ts";

type Range = { from: number; to: number };

/** `/machines/12` names a machine by id (keys are unique per enterprise only), `/machines/press-01` by key. */
export const machineRef = (ref: string): string | number => (/^\d+$/.test(ref) ? Number(ref) : ref);

export const kpiInput = (machine: string | number, range: Range, byShift: boolean) => ({
  machine,
  range,
  bucket: byShift ? ("shift" as const) : ("day" as const),
});

export const jobsInput = (machine: string | number, range: Range) => ({
  machine,
  from: range.from,
  to: range.to,
  limit: 100,
});

/** No point: the brain picks the machine's rate signal (else its first numeric point). */
export const signalInput = (machine: string | number, range: Range, point: string | null) =>
  point === null ? { machine, range } : { machine, range, point };

/**
 * Every query the machine page shows at first (the day range), so the app can start them with its
 * first request, beside `auth.me`, instead of a round trip later (see lib/prefetch.ts).
 */
export function machinePageQueries(
  trpc: TRPCOptionsProxy<AppRouter>,
  machine: string | number,
  range: Range,
  byShift: boolean,
) {
  return [
    trpc.machinePage.overview.queryOptions({ machine }),
    trpc.machinePage.timeline.queryOptions({ machine, range }),
    trpc.machinePage.trends.queryOptions(kpiInput(machine, range, byShift)),
    trpc.machinePage.signal.queryOptions(signalInput(machine, range, null)),
    trpc.jobs.list.queryOptions(jobsInput(machine, range)),
  ] as const;
}
