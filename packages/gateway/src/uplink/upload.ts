import type { JournalRecord } from "../journal/journal.ts";

/** One `ingest.push`: consecutive journal batches merged, with the JSON body already built. */
export interface Upload {
  /** Journal seqs of the batches it carries (non-empty ones). */
  locals: number[];
  /** Their seqs at the brain and reading counts, in order. */
  parts: { seq: number; count: number }[];
  records: JournalRecord[];
  readings: number;
  /** Earliest source timestamp in it (0 when unknown). */
  firstTs: number;
  body: string;
}

/**
 * Merge journal records into one upload body without parsing their readings again: each record's
 * payload is already the JSON array of its readings, so the body is their elements spliced into
 * one array, each reading keeping its original timestamp. One record goes as a plain batch (no
 * `parts`); several carry `parts` so the brain deduplicates each batch on its own. Records with
 * no readings have nothing to send. null when none has any.
 */
export function buildUpload(
  gatewayId: string,
  records: readonly JournalRecord[],
  wireSeq: (local: number) => number,
  sentAt: number,
): Upload | null {
  const kept = records.filter((r) => r.count > 0);
  const first = kept[0];
  if (!first) return null;
  const parts = kept.map((r) => ({ seq: wireSeq(r.seq), count: r.count }));
  const inner = kept.map((r) => r.payload.toString("utf8", 1, r.payload.length - 1));
  const head = `{"gatewayId":${JSON.stringify(gatewayId)},"seq":${parts[0]?.seq},"sentAt":${Math.trunc(sentAt)}`;
  const partsJson = kept.length > 1 ? `,"parts":${JSON.stringify(parts)}` : "";
  let firstTs = 0;
  for (const r of kept) if (r.firstTs > 0 && (firstTs === 0 || r.firstTs < firstTs)) firstTs = r.firstTs;
  return {
    locals: kept.map((r) => r.seq),
    parts,
    records: kept,
    readings: kept.reduce((a, r) => a + r.count, 0),
    firstTs,
    body: `${head}${partsJson},"readings":[${inner.join(",")}]}`,
  };
}
