/** The four Modbus data areas of one simulated device. */
export type Area = "coil" | "discrete" | "holding" | "input";

export interface AddressRange {
  start: number;
  /** Number of addresses. */
  count: number;
}

/**
 * Storage for one Modbus device: 65,536 addresses per area, of which only the
 * mapped ranges answer; a request touching an unmapped address gets exception 2
 * (illegal data address), as real controllers do.
 */
export class RegisterBank {
  readonly coils = new Uint8Array(65536);
  readonly discretes = new Uint8Array(65536);
  readonly holding = new Uint16Array(65536);
  readonly inputs = new Uint16Array(65536);
  private readonly mapped: Record<Area, Uint8Array> = {
    coil: new Uint8Array(65536),
    discrete: new Uint8Array(65536),
    holding: new Uint8Array(65536),
    input: new Uint8Array(65536),
  };
  /** Called after a client writes coils or holding registers. */
  onWrite: ((area: "coil" | "holding", start: number, count: number) => void) | undefined;

  map(area: Area, range: AddressRange): void {
    this.mapped[area].fill(1, range.start, range.start + range.count);
  }

  isMapped(area: Area, start: number, count: number): boolean {
    const m = this.mapped[area];
    if (start + count > 65536) return false;
    for (let i = start; i < start + count; i++) if (m[i] !== 1) return false;
    return true;
  }

  setFloat32(area: "holding" | "input", address: number, value: number, wordSwap = false): void {
    scratch.setFloat32(0, value);
    this.setWords(area, address, scratch.getUint16(0), scratch.getUint16(2), wordSwap);
  }

  setUint32(area: "holding" | "input", address: number, value: number, wordSwap = false): void {
    scratch.setUint32(0, value >>> 0);
    this.setWords(area, address, scratch.getUint16(0), scratch.getUint16(2), wordSwap);
  }

  setInt16(area: "holding" | "input", address: number, value: number): void {
    this.regs(area)[address] = value & 0xffff;
  }

  regs(area: "holding" | "input"): Uint16Array {
    return area === "holding" ? this.holding : this.inputs;
  }

  bits(area: "coil" | "discrete"): Uint8Array {
    return area === "coil" ? this.coils : this.discretes;
  }

  private setWords(area: "holding" | "input", address: number, hi: number, lo: number, swap: boolean): void {
    const r = this.regs(area);
    r[address] = swap ? lo : hi;
    r[address + 1] = swap ? hi : lo;
  }
}

const scratch = new DataView(new ArrayBuffer(8));
