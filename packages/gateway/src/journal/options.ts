import type { LossEntry } from "./losses.ts";
import type { QuarantineReport } from "./segment.ts";

export type FsyncPolicy = "batch" | "interval" | "off";
export type OverflowPolicy = "drop-oldest" | "reject-new";

export interface JournalOptions {
  dir: string;
  /** Bytes per segment file before a new one starts. Default 8 MiB. */
  segmentBytes?: number;
  /** Upper bound on journal bytes on disk. Default 256 MiB. */
  maxBytes?: number;
  /** `batch`: fdatasync after every append (default); `interval`: every `fsyncIntervalMs`; `off`: leave it to the OS. */
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
  /** What to do when `maxBytes` is reached. Default `drop-oldest`. */
  whenFull?: OverflowPolicy;
  /** Recent batches kept in memory so the uplink rarely reads the disk. Default 16 MiB. */
  cacheBytes?: number;
  /** How often acknowledgements are persisted and acknowledged segments deleted. Default 500 ms. */
  cursorFlushMs?: number;
  onEvent?: (event: JournalEvent) => void;
  now?: () => number;
  /** This boot's id (default: the kernel's; see boot-id.ts). */
  bootId?: string | null;
  /** Fault-injection tests only: called around a cursor write that moves the acknowledgement. */
  fault?: (step: "before-cursor-write" | "after-cursor-write") => void;
}

export type JournalEvent =
  | { type: "quarantined"; report: QuarantineReport }
  | { type: "torn-tail"; segment: string; bytes: number }
  /** Readings lost for good, with the seq range and how many (see losses.ts). */
  | { type: "lost"; loss: LossEntry }
  | { type: "renumbered"; fromSeq: number; wireFrom: number; batches: number }
  | { type: "cursor-problem"; message: string };

/** `JournalOptions` with every default filled in (callbacks aside). */
export type ResolvedJournalOptions = Required<Omit<JournalOptions, "onEvent" | "now" | "bootId" | "fault">>;

const MiB = 1024 * 1024;

export function withDefaults(options: JournalOptions): ResolvedJournalOptions {
  return {
    dir: options.dir,
    segmentBytes: options.segmentBytes ?? 8 * MiB,
    maxBytes: options.maxBytes ?? 256 * MiB,
    fsync: options.fsync ?? "batch",
    fsyncIntervalMs: options.fsyncIntervalMs ?? 1000,
    whenFull: options.whenFull ?? "drop-oldest",
    cacheBytes: options.cacheBytes ?? 16 * MiB,
    cursorFlushMs: options.cursorFlushMs ?? 500,
  };
}
