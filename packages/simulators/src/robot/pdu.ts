import type { RegisterBank } from "./register-bank.ts";

/** Device-side request limits (a small PLC may allow fewer than the protocol's 125/2000). */
export interface PduLimits {
  maxRegisters: number;
  maxBits: number;
}

export const PROTOCOL_LIMITS: PduLimits = { maxRegisters: 125, maxBits: 2000 };

const exception = (fc: number, code: number): Buffer => Buffer.from([fc | 0x80, code]);

/**
 * Serve one Modbus PDU (function code + data) from a register bank and return the
 * response PDU. Supports FC 1, 2, 3, 4, 5, 6, 15 and 16; anything else gets exception 1.
 */
export function handlePdu(bank: RegisterBank, pdu: Buffer, limits: PduLimits = PROTOCOL_LIMITS): Buffer {
  const fc = pdu[0] ?? 0;
  if (pdu.length < 5) return exception(fc, 3);
  const address = pdu.readUInt16BE(1);
  const qty = pdu.readUInt16BE(3);
  switch (fc) {
    case 1:
    case 2:
      return readBits(bank, fc, address, qty, limits);
    case 3:
    case 4:
      return readRegisters(bank, fc, address, qty, limits);
    case 5: {
      if (qty !== 0xff00 && qty !== 0) return exception(fc, 3);
      if (!bank.isMapped("coil", address, 1)) return exception(fc, 2);
      bank.coils[address] = qty === 0xff00 ? 1 : 0;
      bank.onWrite?.("coil", address, 1);
      return Buffer.from(pdu.subarray(0, 5));
    }
    case 6: {
      if (!bank.isMapped("holding", address, 1)) return exception(fc, 2);
      bank.holding[address] = qty;
      bank.onWrite?.("holding", address, 1);
      return Buffer.from(pdu.subarray(0, 5));
    }
    case 15:
      return writeCoils(bank, pdu, address, qty, limits);
    case 16:
      return writeRegisters(bank, pdu, address, qty, limits);
    default:
      return exception(fc, 1);
  }
}

function readBits(bank: RegisterBank, fc: number, address: number, qty: number, limits: PduLimits): Buffer {
  if (qty < 1 || qty > limits.maxBits) return exception(fc, 3);
  const area = fc === 1 ? "coil" : "discrete";
  if (!bank.isMapped(area, address, qty)) return exception(fc, 2);
  const bits = bank.bits(area);
  const n = Math.ceil(qty / 8);
  const out = Buffer.alloc(2 + n);
  out[0] = fc;
  out[1] = n;
  out.fill(0, 2);
  for (let i = 0; i < qty; i++)
    if (bits[address + i]) out[2 + (i >> 3)] = (out[2 + (i >> 3)] ?? 0) | (1 << (i & 7));
  return out;
}

function readRegisters(
  bank: RegisterBank,
  fc: number,
  address: number,
  qty: number,
  limits: PduLimits,
): Buffer {
  if (qty < 1 || qty > limits.maxRegisters) return exception(fc, 3);
  const area = fc === 3 ? "holding" : "input";
  if (!bank.isMapped(area, address, qty)) return exception(fc, 2);
  const regs = bank.regs(area);
  const out = Buffer.allocUnsafe(2 + qty * 2);
  out[0] = fc;
  out[1] = qty * 2;
  for (let i = 0; i < qty; i++) {
    const v = regs[address + i] ?? 0;
    out[2 + i * 2] = v >>> 8;
    out[3 + i * 2] = v & 0xff;
  }
  return out;
}

function writeCoils(
  bank: RegisterBank,
  pdu: Buffer,
  address: number,
  qty: number,
  limits: PduLimits,
): Buffer {
  const fc = 15;
  if (qty < 1 || qty > Math.min(1968, limits.maxBits) || pdu.length < 6 + Math.ceil(qty / 8)) {
    return exception(fc, 3);
  }
  if (!bank.isMapped("coil", address, qty)) return exception(fc, 2);
  for (let i = 0; i < qty; i++) bank.coils[address + i] = ((pdu[6 + (i >> 3)] ?? 0) >> (i & 7)) & 1;
  bank.onWrite?.("coil", address, qty);
  return Buffer.from(pdu.subarray(0, 5));
}

function writeRegisters(
  bank: RegisterBank,
  pdu: Buffer,
  address: number,
  qty: number,
  limits: PduLimits,
): Buffer {
  const fc = 16;
  if (qty < 1 || qty > Math.min(123, limits.maxRegisters) || pdu.length < 6 + qty * 2)
    return exception(fc, 3);
  if (!bank.isMapped("holding", address, qty)) return exception(fc, 2);
  for (let i = 0; i < qty; i++) bank.holding[address + i] = pdu.readUInt16BE(6 + i * 2);
  bank.onWrite?.("holding", address, qty);
  return Buffer.from(pdu.subarray(0, 5));
}
