import type { IncomingMessage } from "node:http";
import { createGunzip } from "node:zlib";

/** Largest request body after decompression (the same bound as the tRPC handler's maxBodySize). */
export const MAX_DECODED_BODY_BYTES = 64 * 1024 * 1024;

export type BodyDecoding = { ok: true } | { ok: false; status: 413 | 415 | 400; message: string };

/**
 * Gateways gzip their ingest batches (about a third of the bytes on the wire). The tRPC node
 * adapter does not decode `Content-Encoding`, but it takes an already-read `req.body`, so a
 * gzipped body is inflated here, bounded in size, and handed over as text.
 */
export async function decodeRequestBody(req: IncomingMessage): Promise<BodyDecoding> {
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase().trim();
  if (encoding === "identity" || encoding === "") return { ok: true };
  if (encoding !== "gzip") {
    return {
      ok: false,
      status: 415,
      message: `unsupported Content-Encoding "${encoding}": send gzip or none`,
    };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req.pipe(createGunzip()) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_DECODED_BODY_BYTES) {
        req.destroy();
        return {
          ok: false,
          status: 413,
          message: `request body over ${MAX_DECODED_BODY_BYTES} bytes once inflated`,
        };
      }
      chunks.push(chunk);
    }
  } catch (err) {
    return { ok: false, status: 400, message: `gzip body could not be inflated: ${(err as Error).message}` };
  }
  (req as IncomingMessage & { body?: string }).body = Buffer.concat(chunks).toString("utf8");
  delete req.headers["content-encoding"];
  delete req.headers["content-length"];
  return { ok: true };
}
