import { z } from "zod";

/** Cursor pagination input shared by every list: `cursor` is the last id of the previous page. */
export const PageInput = z.object({
  limit: z.number().int().min(1).max(500).default(50),
  cursor: z.number().int().nonnegative().nullish(),
});
export type PageInput = z.infer<typeof PageInput>;

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: number | null;
}

/** Turn `limit + 1` fetched rows into a page. */
export function toPage<T extends { id: number }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: items[items.length - 1]?.id ?? null };
}
