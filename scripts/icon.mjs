#!/usr/bin/env node
/**
 * Draws images/icon.png (128x128): a kernel-doc page over a PCI card. Plain
 * shapes rasterized here with 4x4 supersampling and written as PNG with zlib,
 * so no image tool is needed.  node scripts/icon.mjs
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';

const SIZE = 128;
const SS = 4;
const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'images', 'icon.png');

const hex = (h, a = 1) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), a];

/** Shapes in 128-unit coordinates, painted in order; each is (x, y) => inside. */
function roundRect(x0, y0, x1, y1, r) {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}
const rect = (x0, y0, x1, y1) => roundRect(x0, y0, x1, y1, 0);
const minus = (a, b) => (x, y) => a(x, y) && !b(x, y);
const triangle = (ax, ay, bx, by, cx, cy) => (x, y) => {
  const s = (px, py, qx, qy) => (x - qx) * (py - qy) - (px - qx) * (y - qy);
  const d1 = s(ax, ay, bx, by),
    d2 = s(bx, by, cx, cy),
    d3 = s(cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};

const shapes = [];
// Background tile.
shapes.push([roundRect(4, 4, 124, 124, 22), hex('#1b3a5c')]);
// PCI card: board, bracket and gold contact fingers.
shapes.push([roundRect(14, 70, 104, 106, 4), hex('#2f8f5b')]);
shapes.push([rect(104, 62, 112, 114), hex('#b8c4cf')]);
for (let i = 0; i < 9; i++) shapes.push([rect(22 + i * 8, 106, 27 + i * 8, 114), hex('#e2b33c')]);
shapes.push([rect(30, 78, 52, 96), hex('#17324f')]);
// Kernel-doc page with a folded corner.
const page = minus(roundRect(34, 14, 94, 86, 4), triangle(80, 14, 94.5, 14, 94.5, 28.5));
shapes.push([page, hex('#f4f6f8')]);
shapes.push([triangle(80, 14, 80, 28, 94, 28), hex('#c9d2db')]);
// Lines: the name line (blue), @param lines (light blue marker), prompt lines (purple marker).
shapes.push([roundRect(42, 24, 74, 29, 2.5), hex('#2a6fb0')]);
for (const [y, marker, len] of [
  [36, '#4fa3d9', 38],
  [44, '#4fa3d9', 30],
  [56, '#9b59b6', 40],
  [64, '#9b59b6', 34],
  [72, '#9b59b6', 26],
]) {
  shapes.push([roundRect(42, y, 48, y + 4, 2), hex(marker)]);
  shapes.push([roundRect(51, y, 42 + len, y + 4, 2), hex('#8a99a8')]);
}

const px = Buffer.alloc(SIZE * SIZE * 4);
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    let r = 0,
      g = 0,
      b = 0,
      a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const fx = x + (sx + 0.5) / SS,
          fy = y + (sy + 0.5) / SS;
        let c = [0, 0, 0, 0];
        for (const [inside, color] of shapes) if (inside(fx, fy)) c = color;
        // Premultiplied accumulation so edges blend with transparency correctly.
        r += c[0] * c[3];
        g += c[1] * c[3];
        b += c[2] * c[3];
        a += c[3];
      }
    }
    const o = (y * SIZE + x) * 4;
    const n = SS * SS;
    px[o + 3] = Math.round((a / n) * 255);
    if (a > 0) {
      px[o] = Math.round(r / a);
      px[o + 1] = Math.round(g / a);
      px[o + 2] = Math.round(b / a);
    }
  }
}

function crc32(buf) {
  let c,
    crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) px.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, png);
console.log(`${OUT}: ${png.length} bytes`);
