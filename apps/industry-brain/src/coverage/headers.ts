/** Edit distance between two short strings (header names). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

/**
 * The known header a near-miss most likely meant (规上企业 → 规上, 申报设备 → 申报设备数), or null
 * when nothing is close: one contains the other, or they differ in at most a third of the letters.
 */
export function didYouMean(header: string, known: readonly string[]): string | null {
  const h = header.trim().toLowerCase();
  let best: { name: string; d: number } | null = null;
  for (const k of known) {
    const n = k.toLowerCase();
    const d = h.includes(n) || n.includes(h) ? Math.abs(h.length - n.length) * 0.5 : distance(h, n);
    if (d <= Math.max(1, Math.floor(Math.max(h.length, n.length) / 3)) && (!best || d < best.d))
      best = { name: k, d };
  }
  return best?.name ?? null;
}
