import type { IncomingMessage } from "node:http";
import { createGunzip } from "node:zlib";

/**
 * Largest request body per caller, compressed and inflated alike. An anonymous caller can only sign
 * in, so its bodies are tiny; the caller is known from the headers BEFORE any byte of the body is
 * read or inflated, so nobody unauthenticated makes the brain buffer or gunzip megabytes.
 */
export interface BodyLimits {
  anonymous: number;
  /** A signed-in user (an enterprise import of 5 MiB is about 7 MiB of base64 JSON). */
  user: number;
  /** A gateway's ingest batch. */
  gateway: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = {
  anonymous: 16 * 1024,
  user: 8 * 1024 * 1024,
  gateway: 64 * 1024 * 1024,
};

export type BodyFailure = { status: 400 | 413 | 415; message: string; fix: string };
export type BodyResult = { ok: true; body: string | undefined } | ({ ok: false } & BodyFailure);

/** 413 naming the limit and what to do. */
export function tooLarge(limit: number, what: string): BodyFailure {
  return {
    status: 413,
    message: `request body over ${limit} bytes${what}`,
    fix: "send less per request (a gateway: smaller batches; an import: a smaller file), or sign in",
  };
}

/**
 * Read a request body, inflating `Content-Encoding: gzip`, never holding more than `limit` bytes
 * (a declared Content-Length over it fails before reading). Methods without a body read nothing.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") {
    return Promise.resolve({ ok: true, body: undefined });
  }
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase().trim();
  if (encoding !== "identity" && encoding !== "" && encoding !== "gzip") {
    return Promise.resolve({
      ok: false,
      status: 415,
      message: `unsupported Content-Encoding "${encoding}"`,
      fix: "send gzip or no Content-Encoding",
    });
  }
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.resolve({ ok: false, ...tooLarge(limit, "") });
  }
  return collect(req, limit, encoding === "gzip");
}

function collect(req: IncomingMessage, limit: number, gzip: boolean): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let raw = 0;
    let inflated = 0;
    let done = false;
    const inflater = gzip ? createGunzip() : null;
    const finish = (r: BodyResult) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      inflater?.removeAllListeners();
      inflater?.on("error", () => {});
      inflater?.destroy();
      resolve(r);
    };
    const onOut = (c: Buffer) => {
      inflated += c.length;
      if (inflated > limit) finish({ ok: false, ...tooLarge(limit, " once inflated") });
      else chunks.push(c);
    };
    const onData = (c: Buffer) => {
      raw += c.length;
      if (raw > limit) finish({ ok: false, ...tooLarge(limit, "") });
      else if (inflater) inflater.write(c);
      else onOut(c);
    };
    const text = () => Buffer.concat(chunks).toString("utf8");
    const onEnd = () => {
      if (inflater) inflater.end();
      else finish({ ok: true, body: text() });
    };
    const onError = (err: Error) =>
      finish({
        ok: false,
        status: 400,
        message: `request body not received: ${err.message}`,
        fix: "send it again",
      });
    inflater?.on("data", onOut);
    inflater?.on("end", () => finish({ ok: true, body: text() }));
    inflater?.on("error", (err) =>
      finish({
        ok: false,
        status: 400,
        message: `gzip body could not be inflated: ${err.message}`,
        fix: "send a valid gzip stream, or no Content-Encoding",
      }),
    );
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/**
 * After an early answer (413, 401), read and discard what the client is still sending, so it gets
 * to read the answer instead of a connection reset; past `capBytes` or `capMs`, close the socket.
 */
export function discardRest(req: IncomingMessage, capBytes = 16 * 1024 * 1024, capMs = 10_000): void {
  if (req.readableEnded || req.destroyed) return;
  let seen = 0;
  const timer = setTimeout(() => req.destroy(), capMs);
  timer.unref();
  req.on("data", (c: Buffer) => {
    seen += c.length;
    if (seen > capBytes) req.destroy();
  });
  req.on("close", () => clearTimeout(timer));
  req.on("error", () => {});
  req.resume();
}
