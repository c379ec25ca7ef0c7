/**
 * Writer for PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html,
 * "Binary Format"): a signature and header, then per row a 16-bit field count and per field a 32-bit
 * byte length (-1 for NULL) and the value in the type's binary `recv` form, then a -1 trailer.
 * Binary input needs no parsing on the server (no array, float or timestamp text), which is why the
 * ingest path uses it.
 */

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00] as const; // PGCOPY\n\377\r\n\0
/** Milliseconds from the Unix epoch to PostgreSQL's (2000-01-01T00:00:00Z). */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;
const utf8 = new TextEncoder();
/** Most bytes a fixed-size field takes (float8/timestamptz: 4-byte length + 8). */
export const FIXED_FIELD_MAX = 12;

/**
 * A growable buffer of binary COPY rows. Call `header()` first and `trailer()` last.
 * Fixed-size writers (`fieldCount`, `int2`, `int4`, `float8`, `timestamptz`) do not check
 * capacity: `reserve()` room for them first (`FIXED_FIELD_MAX` bytes per field). `null`, `text`,
 * `jsonb` and `raw` reserve for themselves.
 */
export class CopyWriter {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  /** Make room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  header(): void {
    this.reserve(19);
    this.buf.set(SIGNATURE, this.pos);
    this.view.setInt32(this.pos + 11, 0); // flags: no OIDs
    this.view.setInt32(this.pos + 15, 0); // header extension length
    this.pos += 19;
  }

  trailer(): void {
    this.reserve(2);
    this.view.setInt16(this.pos, -1);
    this.pos += 2;
  }

  fieldCount(n: number): void {
    this.view.setInt16(this.pos, n);
    this.pos += 2;
  }

  null(): void {
    this.reserve(4);
    this.view.setInt32(this.pos, -1);
    this.pos += 4;
  }

  int2(v: number): void {
    this.view.setInt32(this.pos, 2);
    this.view.setInt16(this.pos + 4, v);
    this.pos += 6;
  }

  int4(v: number): void {
    this.view.setInt32(this.pos, 4);
    this.view.setInt32(this.pos + 4, v);
    this.pos += 8;
  }

  float8(v: number): void {
    this.view.setInt32(this.pos, 8);
    this.view.setFloat64(this.pos + 4, v);
    this.pos += 12;
  }

  /** timestamptz from epoch milliseconds (microsecond resolution, like PostgreSQL). */
  timestamptz(ms: number): void {
    const us = Math.round((ms - PG_EPOCH_MS) * 1000);
    const hi = Math.floor(us / TWO_32);
    this.view.setInt32(this.pos, 8);
    this.view.setInt32(this.pos + 4, hi);
    this.view.setUint32(this.pos + 8, us - hi * TWO_32);
    this.pos += 12;
  }

  /** text (UTF-8). U+0000 must already be removed: PostgreSQL text cannot hold it. */
  text(s: string): void {
    this.lengthPrefixed(s, -1);
  }

  /** jsonb: a version byte (1) and the JSON text. */
  jsonb(json: string): void {
    this.lengthPrefixed(json, 1);
  }

  /** The bytes written so far (a view; copy it before writing more if it must be kept). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Raw bytes (e.g. a pre-encoded run of fields). */
  raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  private lengthPrefixed(s: string, versionByte: number): void {
    const extra = versionByte >= 0 ? 1 : 0;
    const start = this.pos;
    this.reserve(4 + extra + s.length);
    let p = start + 4;
    if (extra) this.buf[p++] = versionByte;
    // ASCII fast path; anything else goes through TextEncoder (3 bytes per UTF-16 unit at most).
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      this.buf[p++] = c;
    }
    if (i < s.length) {
      this.pos = p;
      this.reserve(3 * (s.length - i));
      p += utf8.encodeInto(s.slice(i), this.buf.subarray(p)).written;
    }
    this.view.setInt32(start, p - start - 4);
    this.pos = p;
  }
}
