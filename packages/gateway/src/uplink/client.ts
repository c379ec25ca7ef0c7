import { gzipSync } from "node:zlib";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import type { ReadingBatch } from "@weft/core";
import type { AppRouter } from "@weft/industry-brain/router";

/** What the brain answers to `ingest.push`. */
export interface PushResult {
  accepted: number;
  duplicate: boolean;
  rejected: { index: number; reason: string }[];
}

export interface BrainClientOptions {
  /** tRPC endpoint, e.g. http://brain:4000/trpc. */
  url: string;
  apiKey: string;
  /** Gzip request bodies (`Content-Encoding: gzip`); falls back to plain JSON if the brain refuses it. */
  compression: "gzip" | "none";
  timeoutMs: number;
  onCompressionRefused?: () => void;
}

export interface BrainClient {
  push(batch: ReadingBatch, signal?: AbortSignal): Promise<PushResult>;
  /** Whether request bodies are currently gzipped. */
  readonly gzip: boolean;
  /** Bytes sent on the wire and before compression, since start. */
  readonly bytes: { wire: number; raw: number };
}

/** Bodies smaller than this are sent as they are. */
const GZIP_MIN_BYTES = 1024;

/**
 * A typed tRPC client for the brain's `ingest.push` with the gateway's API key.
 * Compression is negotiated: the first gzipped request the brain cannot parse
 * (400 PARSE_ERROR or 415) switches this client to plain JSON and reports it.
 */
export function createBrainClient(options: BrainClientOptions): BrainClient {
  let gzip = options.compression === "gzip";
  const bytes = { wire: 0, raw: 0 };
  const compressingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body = init?.body;
    if (!gzip || typeof body !== "string" || body.length < GZIP_MIN_BYTES) {
      const n = typeof body === "string" ? Buffer.byteLength(body) : 0;
      bytes.wire += n;
      bytes.raw += n;
      return fetch(input, init);
    }
    const raw = Buffer.from(body);
    const zipped = gzipSync(raw, { level: 1 });
    const headers = new Headers(init?.headers);
    headers.set("content-encoding", "gzip");
    const res = await fetch(input, { ...init, body: zipped, headers });
    if (res.status === 415 || (res.status === 400 && (await isParseError(res.clone())))) {
      gzip = false;
      options.onCompressionRefused?.();
      bytes.wire += raw.length;
      bytes.raw += raw.length;
      return fetch(input, init);
    }
    bytes.wire += zipped.length;
    bytes.raw += raw.length;
    return res;
  };
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: options.url,
        headers: () => ({ authorization: `Bearer ${options.apiKey}` }),
        fetch: compressingFetch,
      }),
    ],
  });
  return {
    push: (batch, signal) => {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      return client.ingest.push.mutate(batch, { signal: combined });
    },
    get gzip() {
      return gzip;
    },
    bytes,
  };
}

async function isParseError(res: Response): Promise<boolean> {
  try {
    const text = await res.text();
    return text.includes("PARSE_ERROR") || text.includes("Unexpected token") || text.includes("JSON");
  } catch {
    return false;
  }
}

export type FailureKind = "unauthorized" | "rejected" | "transient";

/** Classify a push failure: retry transient ones; auth problems need the operator; a rejected batch never succeeds. */
export function classifyFailure(err: unknown): { kind: FailureKind; code: string; message: string } {
  if (err instanceof TRPCClientError) {
    const data = (err as TRPCClientError<AppRouter>).data as
      | { code?: string; httpStatus?: number }
      | undefined;
    const code = data?.code ?? "UNKNOWN";
    const status = data?.httpStatus ?? 0;
    if (code === "UNAUTHORIZED" || code === "FORBIDDEN")
      return { kind: "unauthorized", code, message: err.message };
    if (
      status >= 400 &&
      status < 500 &&
      !["TOO_MANY_REQUESTS", "TIMEOUT", "CLIENT_CLOSED_REQUEST"].includes(code)
    )
      return { kind: "rejected", code, message: err.message };
    return { kind: "transient", code, message: err.message };
  }
  return {
    kind: "transient",
    code: (err as { name?: string })?.name ?? "ERROR",
    message: String((err as Error)?.message ?? err),
  };
}
