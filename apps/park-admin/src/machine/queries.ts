/**
 * The inputs of the machine page's panel queries, shared by the page (which asks for all of them
 * at once, in the overview's round trip) and the panels (which read the same cache entries).
 */
type Range = { from: number; to: number };

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
