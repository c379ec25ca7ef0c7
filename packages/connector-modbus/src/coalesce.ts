/** One thing to read: `count` consecutive addresses from `start` (0-based protocol address). */
export interface Span<T = unknown> {
  start: number;
  count: number;
  item: T;
}

export interface CoalesceLimits {
  /** Largest request, in addresses (registers: ≤ 125, bits: ≤ 2000). */
  maxBlock: number;
  /** Largest run of unwanted addresses a block may read across. */
  maxGap: number;
}

/** A block read covering one or more spans. */
export interface Block<T = unknown> {
  start: number;
  count: number;
  spans: Span<T>[];
}

/**
 * Plan the fewest block reads covering every span: a block never exceeds `maxBlock`
 * addresses and never reads across more than `maxGap` consecutive addresses no span wants.
 * Spans are sorted by start and grouped greedily, which is optimal for these two constraints.
 * Pure. A span longer than `maxBlock` throws a `RangeError` (config validation prevents it).
 * @example
 * coalesceRegisters([{ start: 0, count: 2, item: "a" }, { start: 4, count: 2, item: "b" }], { maxBlock: 125, maxGap: 8 })
 * // → [{ start: 0, count: 6, spans: [a, b] }]
 */
export function coalesceRegisters<T>(spans: readonly Span<T>[], limits: CoalesceLimits): Block<T>[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.count - a.count);
  const blocks: Block<T>[] = [];
  let current: Block<T> | undefined;
  let end = 0;
  for (const span of sorted) {
    if (span.count > limits.maxBlock) {
      throw new RangeError(
        `span of ${span.count} at ${span.start} exceeds the block limit ${limits.maxBlock}`,
      );
    }
    const spanEnd = span.start + span.count;
    if (
      current &&
      span.start - end <= limits.maxGap &&
      Math.max(end, spanEnd) - current.start <= limits.maxBlock
    ) {
      current.spans.push(span);
      end = Math.max(end, spanEnd);
      current.count = end - current.start;
      continue;
    }
    current = { start: span.start, count: span.count, spans: [span] };
    end = spanEnd;
    blocks.push(current);
  }
  return blocks;
}

/** Split a block's spans in two halves (by position) and re-plan each; used to isolate a failing address. */
export function splitBlock<T>(block: Block<T>, limits: CoalesceLimits): [Block<T>[], Block<T>[]] {
  const spans = [...block.spans].sort((a, b) => a.start - b.start);
  const half = Math.ceil(spans.length / 2);
  return [coalesceRegisters(spans.slice(0, half), limits), coalesceRegisters(spans.slice(half), limits)];
}
