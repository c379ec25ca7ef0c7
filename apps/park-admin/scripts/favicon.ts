/**
 * Writes public/favicon.ico: the logo of public/favicon.svg (a blue rounded square with a white
 * "W") rasterised at 16, 32 and 48 px into 32-bit BMP images. Browsers and crawlers ask for
 * /favicon.ico whatever index.html links, so it must exist; drawing it in code keeps the two
 * icons the same without an image tool. Run: `npx tsx scripts/favicon.ts`.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const BLUE = [0x1d, 0x5b, 0xd8] as const;
const STROKE = [
  [6, 9],
  [10, 23],
  [16, 13],
  [22, 23],
  [26, 9],
] as const;

/** Distance from p to segment ab, in the svg's 32-unit space. */
function segDist(px: number, py: number, a: readonly number[], b: readonly number[]): number {
  const [ax = 0, ay = 0] = a;
  const [bx = 0, by = 0] = b;
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

function insideRoundedSquare(x: number, y: number): boolean {
  const r = 7;
  const cx = Math.min(Math.max(x, r), 32 - r);
  const cy = Math.min(Math.max(y, r), 32 - r);
  return x >= 0 && x <= 32 && y >= 0 && y <= 32 && Math.hypot(x - cx, y - cy) <= r;
}

/** RGBA of one pixel, 4×4 supersampled. */
function pixel(size: number, px: number, py: number): [number, number, number, number] {
  let cover = 0;
  let white = 0;
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) {
      const x = ((px + (i + 0.5) / 4) * 32) / size;
      const y = ((py + (j + 0.5) / 4) * 32) / size;
      if (!insideRoundedSquare(x, y)) continue;
      cover++;
      const d = Math.min(...STROKE.slice(1).map((b, k) => segDist(x, y, STROKE[k] ?? b, b)));
      if (d <= 1.5) white++;
    }
  if (cover === 0) return [0, 0, 0, 0];
  const w = white / cover;
  const mix = (c: number) => Math.round(c * (1 - w) + 255 * w);
  return [mix(BLUE[0]), mix(BLUE[1]), mix(BLUE[2]), Math.round((cover / 16) * 255)];
}

/** A BITMAPINFOHEADER image (height doubled for the AND mask), bottom-up BGRA rows. */
function bmp(size: number): Buffer {
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8);
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(size, x, y);
      pixels.set([b, g, r, a], ((size - 1 - y) * size + x) * 4);
    }
  const maskRow = Math.ceil(size / 32) * 4;
  return Buffer.concat([header, pixels, Buffer.alloc(maskRow * size)]);
}

export function faviconIco(sizes: readonly number[] = [16, 32, 48]): Buffer {
  const images = sizes.map(bmp);
  const dir = Buffer.alloc(6 + 16 * sizes.length);
  dir.writeUInt16LE(1, 2);
  dir.writeUInt16LE(sizes.length, 4);
  let offset = dir.length;
  sizes.forEach((size, i) => {
    const e = 6 + 16 * i;
    dir.writeUInt8(size % 256, e);
    dir.writeUInt8(size % 256, e + 1);
    dir.writeUInt16LE(1, e + 4);
    dir.writeUInt16LE(32, e + 6);
    dir.writeUInt32LE(images[i]?.length ?? 0, e + 8);
    dir.writeUInt32LE(offset, e + 12);
    offset += images[i]?.length ?? 0;
  });
  return Buffer.concat([dir, ...images]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = fileURLToPath(new URL("../public/favicon.ico", import.meta.url));
  writeFileSync(out, faviconIco());
  console.log(`wrote ${out}`);
}
