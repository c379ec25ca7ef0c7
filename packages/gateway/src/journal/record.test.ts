import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32 as crc, crc32, crc32Table } from "./crc32.ts";
import { declaredMeta, decodeRecordAt, encodeRecord, HEADER_BYTES } from "./record.ts";
import { scanSegment } from "./scan.ts";

const meta = fc.record({
  seq: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  readings: fc.nat({ max: 50_000 }),
  firstTs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  cum: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
});
const payload = fc.uint8Array({ minLength: 0, maxLength: 300 });
const records = fc.array(fc.tuple(meta, payload), { minLength: 1, maxLength: 12 });

describe("crc32", () => {
  it("matches the published check value and the table implementation", () => {
    expect(crc32Table(Buffer.from("123456789"))).toBe(0xcbf43926);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 500 }), (d) => crc32(d) === crc32Table(d)));
  });
});

describe("journal record", () => {
  it("round-trips meta and payload", () => {
    fc.assert(
      fc.property(meta, payload, (m, p) => {
        const r = decodeRecordAt(encodeRecord(m, p), 0);
        expect(r.kind).toBe("record");
        if (r.kind !== "record") return;
        const { seq, readings, firstTs, cum } = r.record;
        expect({ seq, readings, firstTs, cum }).toEqual(m);
        expect(Buffer.compare(r.record.payload, Buffer.from(p))).toBe(0);
      }),
    );
  });

  it("still reads a record of the first format (WFJ1, no running count)", () => {
    const payload = Buffer.from('[{"x":1}]');
    const body = Buffer.alloc(20 + payload.length);
    body.writeBigUInt64LE(42n, 0);
    body.writeUInt32LE(3, 8);
    body.writeBigUInt64LE(1000n, 12);
    payload.copy(body, 20);
    const head = Buffer.alloc(12);
    head.write("WFJ1", 0, "latin1");
    head.writeUInt32LE(body.length, 4);
    head.writeUInt32LE(crc(body), 8);
    const r = decodeRecordAt(Buffer.concat([head, body]), 0);
    expect(
      r.kind === "record" && { seq: r.record.seq, readings: r.record.readings, cum: r.record.cum },
    ).toEqual({
      seq: 42,
      readings: 3,
      cum: null,
    });
  });

  it("tells what a record whose payload is damaged declared", () => {
    const buf = Buffer.from(
      encodeRecord({ seq: 9, readings: 250, firstTs: 1, cum: 500 }, Buffer.alloc(64, 1)),
    );
    buf[HEADER_BYTES + 40] = 0;
    expect(decodeRecordAt(buf, 0).kind).toBe("bad");
    expect(declaredMeta(buf, 0)).toEqual({ seq: 9, readings: 250 });
  });

  it("reports every truncation as short, never as a record", () => {
    fc.assert(
      fc.property(meta, payload, fc.nat(), (m, p, cut) => {
        const buf = encodeRecord(m, p);
        const at = cut % buf.length;
        expect(decodeRecordAt(buf.subarray(0, at), 0).kind).toBe("short");
      }),
    );
  });

  it("detects any single bit flip", () => {
    fc.assert(
      fc.property(meta, payload, fc.nat(), fc.nat(7), (m, p, pos, bit) => {
        const buf = Buffer.from(encodeRecord(m, p));
        const at = pos % buf.length;
        buf[at] = (buf[at] ?? 0) ^ (1 << bit);
        expect(decodeRecordAt(buf, 0).kind).not.toBe("record");
      }),
    );
  });
});

describe("scanSegment", () => {
  it("returns every record of an intact segment", () => {
    fc.assert(
      fc.property(records, (rs) => {
        const scan = scanSegment(Buffer.concat(rs.map(([m, p]) => encodeRecord(m, p))));
        expect(scan.records.map((r) => r.seq)).toEqual(rs.map(([m]) => m.seq));
        expect(scan.damaged).toEqual([]);
        expect(scan.tornTailAt).toBeNull();
      }),
    );
  });

  it("keeps every record before a torn tail and reports where it starts", () => {
    fc.assert(
      fc.property(records, fc.nat(), (rs, cut) => {
        const bufs = rs.map(([m, p]) => encodeRecord(m, p));
        const whole = Buffer.concat(bufs);
        const lastStart = whole.length - (bufs.at(-1)?.length ?? 0);
        const at = lastStart + 1 + (cut % ((bufs.at(-1)?.length ?? 1) - 1));
        const scan = scanSegment(whole.subarray(0, at));
        expect(scan.records.length).toBe(rs.length - 1);
        expect(scan.tornTailAt).toBe(lastStart);
      }),
    );
  });

  it("after a bit flip loses at most the damaged record and keeps all others in order", () => {
    fc.assert(
      fc.property(records, fc.nat(), fc.nat(7), (rs, pos, bit) => {
        const bufs = rs.map(([m, p]) => encodeRecord(m, p));
        const whole = Buffer.concat(bufs);
        const at = pos % whole.length;
        whole[at] = (whole[at] ?? 0) ^ (1 << bit);
        const scan = scanSegment(whole);
        let start = 0;
        let hit = -1;
        bufs.forEach((b, i) => {
          if (at >= start && at < start + b.length) hit = i;
          start += b.length;
        });
        const expected = rs.map(([m]) => m.seq).filter((_, i) => i !== hit);
        const seqs = scan.records.map((r) => r.seq);
        // Every surviving record is genuine and in order; only the hit one may be missing.
        expect(seqs).toEqual(expected);
        expect(scan.damaged.length + (scan.tornTailAt === null ? 0 : 1)).toBe(1);
        expect(scan.records.every((r) => r.size >= HEADER_BYTES)).toBe(true);
      }),
    );
  });
});
