import net from "node:net";
import { crc16 } from "./crc16.ts";
import { handlePdu, type PduLimits, PROTOCOL_LIMITS } from "./pdu.ts";
import type { RegisterBank } from "./register-bank.ts";

export type Framing = "tcp" | "rtu";

export interface ModbusServerOptions {
  port: number;
  host?: string;
  /** `tcp`: MBAP (Modbus TCP). `rtu`: RTU frames with CRC over a TCP stream (RTU over TCP). */
  framing?: Framing;
  /** Unit ids this device answers; others get no answer (like a silent device on a bus). Default: any. */
  unitIds?: readonly number[];
  limits?: PduLimits;
}

export interface ModbusServer {
  readonly port: number;
  /** Requests served since start. */
  readonly requests: () => number;
  /** Client connections open now. */
  readonly connections: () => number;
  /** Stops listening and ends every connection gracefully. */
  close(): Promise<void>;
  /** Destroys every socket at once (a device that disappears) and stops listening. */
  kill(): Promise<void>;
}

/**
 * A small, fast Modbus server on `node:net` (MBAP or RTU-over-TCP framing).
 * It answers from a {@link RegisterBank}; requests are handled synchronously in arrival order.
 */
export async function startModbusServer(
  bank: RegisterBank,
  options: ModbusServerOptions,
): Promise<ModbusServer> {
  const framing = options.framing ?? "tcp";
  const limits = options.limits ?? PROTOCOL_LIMITS;
  const units = options.unitIds ? new Set(options.unitIds) : undefined;
  const sockets = new Set<net.Socket>();
  let served = 0;
  const answers = (unit: number) => units === undefined || units.has(unit);

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const out: Buffer[] = [];
      const consumed =
        framing === "tcp"
          ? serveMbap(pending, (unit, pdu) => (answers(unit) ? handlePdu(bank, pdu, limits) : undefined), out)
          : serveRtu(pending, (unit, pdu) => (answers(unit) ? handlePdu(bank, pdu, limits) : undefined), out);
      if (consumed < 0) {
        socket.destroy();
        return;
      }
      pending = pending.subarray(consumed);
      served += out.length;
      if (out.length === 1 && out[0]) socket.write(out[0]);
      else if (out.length > 1) socket.write(Buffer.concat(out));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    port,
    requests: () => served,
    connections: () => sockets.size,
    async close() {
      for (const s of sockets) s.end();
      const closing = closeServer();
      setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, 200).unref();
      await closing;
    },
    async kill() {
      for (const s of sockets) s.destroy();
      await closeServer();
    },
  };
}

type Serve = (unit: number, pdu: Buffer) => Buffer | undefined;

/** Parse every complete MBAP frame; returns bytes consumed, or -1 on a broken header. */
function serveMbap(buf: Buffer, serve: Serve, out: Buffer[]): number {
  let off = 0;
  while (buf.length - off >= 7) {
    const len = buf.readUInt16BE(off + 4);
    if (len < 2 || len > 254 || buf.readUInt16BE(off + 2) !== 0) return -1;
    if (buf.length - off < 6 + len) break;
    const unit = buf[off + 6] ?? 0;
    const res = serve(unit, buf.subarray(off + 7, off + 6 + len));
    if (res) {
      const frame = Buffer.allocUnsafe(7 + res.length);
      frame.writeUInt16BE(buf.readUInt16BE(off), 0);
      frame.writeUInt16BE(0, 2);
      frame.writeUInt16BE(res.length + 1, 4);
      frame[6] = unit;
      res.copy(frame, 7);
      out.push(frame);
    }
    off += 6 + len;
  }
  return off;
}

/** Length of an RTU request frame starting at `off`, or 0 if more bytes are needed. */
function rtuRequestLength(buf: Buffer, off: number): number {
  const fc = buf[off + 1];
  if (fc === undefined) return 0;
  if (fc === 15 || fc === 16) {
    const n = buf[off + 6];
    return n === undefined ? 0 : 9 + n;
  }
  return 8;
}

function serveRtu(buf: Buffer, serve: Serve, out: Buffer[]): number {
  let off = 0;
  while (buf.length - off >= 8) {
    const len = rtuRequestLength(buf, off);
    if (len === 0 || buf.length - off < len) break;
    const frame = buf.subarray(off, off + len);
    off += len;
    if (crc16(frame, len - 2) !== frame.readUInt16LE(len - 2)) continue; // a bad frame is ignored, as on a bus
    const unit = frame[0] ?? 0;
    const res = serve(unit, frame.subarray(1, len - 2));
    if (!res) continue;
    const reply = Buffer.allocUnsafe(res.length + 3);
    reply[0] = unit;
    res.copy(reply, 1);
    reply.writeUInt16LE(crc16(reply, res.length + 1), res.length + 1);
    out.push(reply);
  }
  return off;
}
