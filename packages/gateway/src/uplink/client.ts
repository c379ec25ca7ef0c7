import { gzipSync } from "node:zlib";
import type { IngestPushOutput, IngestStateOutput } from "@weft/core";

/** What the brain answers to `ingest.push` (the contract in @weft/core). */
export type PushResult = IngestPushOutput;
/** What the brain answers to `ingest.state`. */
export type SeqState = IngestStateOutput;

export interface BrainClientOptions {
  /** tRPC endpoint, e.g. http://brain:4000/trpc. */
  url: string;
  apiKey: string;
  /** Gzip request bodies (`Content-Encoding: gzip`); falls back to plain JSON if the brain refuses it. */
  compression: "gzip" | "none";
  timeoutMs: number;
  onCompressionRefused?: () => void;
}

/**
 * How a failed call is handled:
 * - `transient`: the network, a timeout, 5xx, 503 (database down), 408/429: retry with backoff;
 * - `unauthorized`: the API key or the gateway id is refused (401, 403 on `gatewayId`): nothing
 *   this gateway sends can pass until an operator fixes it, so it waits and keeps the buffer;
 * - `conflict`: 409 SEQ_CONFLICT, the brain has these seqs with other readings: renumber;
 * - `rejected`: any other 4xx, this batch can never succeed: dead-letter it and go on.
 */
export type FailureKind = "transient" | "unauthorized" | "conflict" | "rejected";

export interface Failure {
  kind: FailureKind;
  /** tRPC code (e.g. BAD_REQUEST) or the network error's name. */
  code: string;
  weftCode: string | null;
  /** HTTP status; 0 when no answer came. */
  status: number;
  message: string;
  /** The brain's Retry-After, when it sent one. */
  retryAfterMs: number | null;
  /** For `conflict`: the lowest clashing seq and the brain's last seq. */
  conflict: { seq: number; lastSeq: number | null } | null;
  /** For 413: the upload was too large (split it, if it merged several batches). */
  tooLarge: boolean;
}

export class BrainCallError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
    this.name = "BrainCallError";
  }
}

export interface BrainClient {
  /** Send one upload whose body is already JSON text (see upload.ts); throws BrainCallError. */
  push(body: string, signal?: AbortSignal): Promise<PushResult>;
  /** The brain's view of this gateway's seqs; throws BrainCallError. */
  state(range?: { after: number; upTo: number }, signal?: AbortSignal): Promise<SeqState>;
  /** Whether request bodies are currently gzipped. */
  readonly gzip: boolean;
  /** Bytes sent on the wire and before compression, since start. */
  readonly bytes: { wire: number; raw: number };
}

/** Bodies smaller than this are sent as they are. */
const GZIP_MIN_BYTES = 1024;

/**
 * The brain's ingest procedures over plain HTTP (tRPC's wire format): the gateway needs what the
 * tRPC client hides — the status, Retry-After — and sends bodies it assembles from buffered JSON
 * without parsing them again. Compression is negotiated: the first gzipped request the brain
 * cannot read (415, or 400 PARSE_ERROR) switches this client to plain JSON and reports it.
 */
export function createBrainClient(options: BrainClientOptions): BrainClient {
  let gzip = options.compression === "gzip";
  const bytes = { wire: 0, raw: 0 };
  const base = options.url.replace(/\/+$/, "");
  const headers = (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${options.apiKey}`,
    ...extra,
  });
  const call = async (init: RequestInit & { url: string }, signal?: AbortSignal): Promise<unknown> => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(init.url, { ...init, signal: combined });
    } catch (e) {
      throw new BrainCallError(networkFailure(e, timeout.aborted));
    }
    return readAnswer(res);
  };
  const post = async (body: string, signal?: AbortSignal): Promise<unknown> => {
    const url = `${base}/ingest.push`;
    const plain = { "content-type": "application/json" };
    if (gzip && body.length >= GZIP_MIN_BYTES) {
      const raw = Buffer.from(body);
      const zipped = gzipSync(raw, { level: 1 });
      try {
        const answer = await call(
          { url, method: "POST", body: zipped, headers: headers({ ...plain, "content-encoding": "gzip" }) },
          signal,
        );
        bytes.wire += zipped.length;
        bytes.raw += raw.length;
        return answer;
      } catch (e) {
        const f = (e as BrainCallError).failure;
        const unreadable =
          f?.status === 415 ||
          (f?.status === 400 && (f.code === "PARSE_ERROR" || /gzip|JSON|Unexpected token/i.test(f.message)));
        if (!unreadable) throw e;
        gzip = false;
        options.onCompressionRefused?.();
      }
    }
    const n = Buffer.byteLength(body);
    bytes.wire += n;
    bytes.raw += n;
    return call({ url, method: "POST", body, headers: headers(plain) }, signal);
  };
  return {
    push: async (body, signal) => (await post(body, signal)) as PushResult,
    state: async (range, signal) => {
      const q = range ? `?input=${encodeURIComponent(JSON.stringify(range))}` : "";
      return (await call(
        { url: `${base}/ingest.state${q}`, method: "GET", headers: headers() },
        signal,
      )) as SeqState;
    },
    get gzip() {
      return gzip;
    },
    bytes,
  };
}

interface ErrorBody {
  error?: {
    message?: string;
    data?: {
      code?: string;
      weftCode?: string | null;
      fields?: { field: string }[] | null;
      details?: Record<string, unknown> | null;
    };
  };
}

/** The `result.data` of a tRPC answer, or a BrainCallError that says what to do about it. */
async function readAnswer(res: Response): Promise<unknown> {
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (a proxy's error page): classified by status below
  }
  if (res.ok) {
    const data = (json as { result?: { data?: unknown } } | null)?.result?.data;
    if (data !== undefined) return data;
  }
  throw new BrainCallError(
    classifyAnswer(res.status, res.headers.get("retry-after"), json as ErrorBody | null, text),
  );
}

/** Classify an HTTP answer (pure; see {@link FailureKind}). */
export function classifyAnswer(
  status: number,
  retryAfter: string | null,
  body: ErrorBody | null,
  text = "",
): Failure {
  const data = body?.error?.data;
  const code = data?.code ?? `HTTP_${status}`;
  const weftCode = data?.weftCode ?? null;
  const message = body?.error?.message ?? (text.slice(0, 200) || `HTTP ${status}`);
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  const base: Failure = {
    kind: "transient",
    code,
    weftCode,
    status,
    message,
    retryAfterMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null,
    conflict: null,
    tooLarge: status === 413,
  };
  if (status === 409 && weftCode === "SEQ_CONFLICT") {
    const d = data?.details ?? {};
    const seq = Number(d.seq);
    const lastSeq = d.lastSeq == null ? null : Number(d.lastSeq);
    return { ...base, kind: "conflict", conflict: { seq, lastSeq } };
  }
  if (status === 401 || (status === 403 && data?.fields?.[0]?.field === "gatewayId"))
    return { ...base, kind: "unauthorized" };
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return { ...base, kind: "rejected" };
  return base;
}

function networkFailure(e: unknown, timedOut: boolean): Failure {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  return {
    kind: "transient",
    code: timedOut ? "TIMEOUT" : (err.cause?.code ?? err.name ?? "ERROR"),
    weftCode: null,
    status: 0,
    message: timedOut
      ? "no answer within the upload timeout"
      : (err.cause?.message ?? err.message ?? String(e)),
    retryAfterMs: null,
    conflict: null,
    tooLarge: false,
  };
}
