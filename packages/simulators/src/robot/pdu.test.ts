import { describe, expect, it } from "vitest";
import { crc16 } from "./crc16.ts";
import { handlePdu } from "./pdu.ts";
import { RegisterBank } from "./register-bank.ts";

const req = (fc: number, a: number, b: number) => {
  const buf = Buffer.alloc(5);
  buf[0] = fc;
  buf.writeUInt16BE(a, 1);
  buf.writeUInt16BE(b, 3);
  return buf;
};

describe("handlePdu", () => {
  const bank = new RegisterBank();
  bank.map("holding", { start: 0, count: 10 });
  bank.map("coil", { start: 0, count: 10 });
  bank.holding.set([0x1234, 0x5678], 0);
  bank.coils.set([1, 0, 1, 1, 0, 0, 0, 0, 1], 0);

  it("reads registers and packed bits", () => {
    expect([...handlePdu(bank, req(3, 0, 2))]).toEqual([3, 4, 0x12, 0x34, 0x56, 0x78]);
    expect([...handlePdu(bank, req(1, 0, 9))]).toEqual([1, 2, 0b1101, 1]);
  });
  it("answers exceptions: illegal address, illegal value (too many), illegal function", () => {
    expect([...handlePdu(bank, req(3, 8, 4))]).toEqual([0x83, 2]);
    expect([...handlePdu(bank, req(3, 0, 126))]).toEqual([0x83, 3]);
    expect([...handlePdu(bank, req(3, 0, 5), { maxRegisters: 4, maxBits: 2000 })]).toEqual([0x83, 3]);
    expect([...handlePdu(bank, req(43, 0, 1))]).toEqual([0xab, 1]);
  });
  it("writes single and multiple registers", () => {
    expect([...handlePdu(bank, req(6, 3, 0xbeef))]).toEqual([6, 0, 3, 0xbe, 0xef]);
    expect(bank.holding[3]).toBe(0xbeef);
    const multi = Buffer.from([16, 0, 4, 0, 2, 4, 0, 1, 0, 2]);
    expect([...handlePdu(bank, multi)]).toEqual([16, 0, 4, 0, 2]);
    expect([bank.holding[4], bank.holding[5]]).toEqual([1, 2]);
  });
  it("crc16 matches the Modbus reference (01 03 00 00 00 01 → 84 0A)", () => {
    const crc = crc16(Buffer.from([1, 3, 0, 0, 0, 1]));
    expect([crc & 0xff, crc >> 8]).toEqual([0x84, 0x0a]);
  });
});
