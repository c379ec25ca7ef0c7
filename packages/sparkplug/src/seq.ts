/** The Sparkplug message seq after `seq` (0–255, wrapping). */
export function nextSeq(seq: number): number {
  return (seq + 1) & 0xff;
}

/**
 * Does `seq` follow `last` without a gap? The host asks for a rebirth when it does not (spec
 * §10: a missing message may have carried a BIRTH's successor state).
 */
export function followsSeq(last: number | null, seq: number): boolean {
  return last !== null && seq === nextSeq(last);
}
