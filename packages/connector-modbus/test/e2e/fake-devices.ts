import net from "node:net";
import { crc16, handlePdu, RegisterBank } from "@weft/simulators/robot";

export interface FakeDevice {
  port: number;
  /** Sockets accepted so far. */
  connections(): number;
  /** Most requests seen outstanding at once on one socket. */
  maxOutstanding(): number;
  close(): Promise<void>;
}

export type Misbehave = (req: {
  tx: number;
  unit: number;
  pdu: Buffer;
  n: number;
}) =>
  | { kind: "normal" }
  | { kind: "raw"; bytes: Buffer }
  | { kind: "silent" }
  | { kind: "exception"; code: number }
  | { kind: "delay"; ms: number };

/**
 * A Modbus TCP device on a free port that answers from a register bank but misbehaves on
 * purpose where `misbehave` says so (wrong transaction id, short frame, exception, silence).
 */
export async function startFakeDevice(bank: RegisterBank, misbehave: Misbehave): Promise<FakeDevice> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let maxOutstanding = 0;
  let n = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let pending = Buffer.alloc(0);
    let outstanding = 0;
    socket.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 7 && pending.length >= 6 + pending.readUInt16BE(4)) {
        const len = pending.readUInt16BE(4);
        const tx = pending.readUInt16BE(0);
        const unit = pending[6] ?? 0;
        const pdu = Buffer.from(pending.subarray(7, 6 + len));
        pending = pending.subarray(6 + len);
        outstanding++;
        maxOutstanding = Math.max(maxOutstanding, outstanding);
        const action = misbehave({ tx, unit, pdu, n: n++ });
        const reply = (body: Buffer, txId = tx) => {
          outstanding--;
          const frame = Buffer.alloc(7 + body.length);
          frame.writeUInt16BE(txId, 0);
          frame.writeUInt16BE(body.length + 1, 4);
          frame[6] = unit;
          body.copy(frame, 7);
          if (!socket.destroyed) socket.write(frame);
        };
        if (action.kind === "normal") setImmediate(() => reply(handlePdu(bank, pdu)));
        else if (action.kind === "delay") setTimeout(() => reply(handlePdu(bank, pdu)), action.ms);
        else if (action.kind === "exception") reply(Buffer.from([(pdu[0] ?? 0) | 0x80, action.code]));
        else if (action.kind === "raw") {
          outstanding--;
          socket.write(action.bytes);
        } else outstanding--;
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  return {
    port: typeof addr === "object" && addr ? addr.port : 0,
    connections: () => accepted,
    maxOutstanding: () => maxOutstanding,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A register bank with holding and input registers 0..199 and coils 0..15 mapped, filled with `address + 1`. */
export function testBank(): RegisterBank {
  const bank = new RegisterBank();
  bank.map("holding", { start: 0, count: 200 });
  bank.map("input", { start: 0, count: 200 });
  bank.map("coil", { start: 0, count: 16 });
  for (let a = 0; a < 200; a++) {
    bank.holding[a] = a + 1;
    bank.inputs[a] = a + 1;
  }
  return bank;
}

/**
 * An RTU bus behind a serial device server: RTU frames with CRC over TCP. Units in `answer`
 * reply after `delayMs`; others stay silent. Records whether two requests ever overlapped.
 */
export async function startRtuBus(
  answer: number[],
  opts: { delayMs?: number; corruptCrcOn?: (n: number) => boolean } = {},
) {
  const bank = testBank();
  let overlapped = false;
  let busy = false;
  let n = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buf = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 8) {
        const frame = buf.subarray(0, 8);
        buf = buf.subarray(8);
        if (busy) overlapped = true;
        const unit = frame[0] ?? 0;
        if (crc16(frame, 6) !== frame.readUInt16LE(6) || !answer.includes(unit)) continue;
        busy = true;
        const k = n++;
        setTimeout(() => {
          busy = false;
          const pdu = handlePdu(bank, Buffer.from(frame.subarray(1, 6)));
          const reply = Buffer.alloc(pdu.length + 3);
          reply[0] = unit;
          pdu.copy(reply, 1);
          reply.writeUInt16LE(
            crc16(reply, pdu.length + 1) ^ (opts.corruptCrcOn?.(k) ? 0xffff : 0),
            pdu.length + 1,
          );
          socket.write(reply);
        }, opts.delayMs ?? 2);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  const close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return { port, overlapped: () => overlapped, connections: () => sockets.size, close };
}
