// A perceptual hash for near-duplicate images: the decoded picture in grey, shrunk to 32x32, its 8x8 lowest
// DCT frequencies compared with their median (the well-known "pHash" construction). Re-encoding, resizing and small
// edits change few of its 64 bits; a different picture changes about half.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

const SIZE = 32;
const LOW = 8;
/** Pictures whose hashes differ in at most this many of 64 bits are reported as near-duplicates. */
export const NEAR_DUPLICATE_BITS = 10;

interface Pixels {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  data: Uint8Array;
}

/** Decodes a JPEG or PNG within a pixel budget; undefined for other kinds (no pure-JS decoder is used for them). */
export function decodePixels(bytes: Uint8Array, kind: string, maxPixels: number): Pixels | undefined {
  if (kind === 'jpeg') {
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: maxPixels / 1_000_000,
      maxMemoryUsageInMB: 1024,
    });
    return { width: img.width, height: img.height, data: img.data };
  }
  if (kind === 'png') {
    // The header states the size before any pixel is inflated.
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (b.length >= 24 && b.readUInt32BE(16) * b.readUInt32BE(20) > maxPixels)
      throw new Error(`the image is larger than ${maxPixels} pixels`);
    const img = PNG.sync.read(b);
    return { width: img.width, height: img.height, data: img.data };
  }
  return undefined;
}

/** Mean grey of each cell of a 32x32 grid over the picture (box filter: every pixel counts once). */
function shrink(p: Pixels): Float64Array {
  const sums = new Float64Array(SIZE * SIZE);
  const counts = new Float64Array(SIZE * SIZE);
  for (let y = 0; y < p.height; y++) {
    const gy = Math.min(SIZE - 1, Math.floor((y * SIZE) / p.height));
    for (let x = 0; x < p.width; x++) {
      const gx = Math.min(SIZE - 1, Math.floor((x * SIZE) / p.width));
      const i = (y * p.width + x) * 4;
      // ITU-R BT.601 luma.
      const grey =
        0.299 * (p.data[i] as number) + 0.587 * (p.data[i + 1] as number) + 0.114 * (p.data[i + 2] as number);
      sums[gy * SIZE + gx] = (sums[gy * SIZE + gx] as number) + grey;
      counts[gy * SIZE + gx] = (counts[gy * SIZE + gx] as number) + 1;
    }
  }
  for (let i = 0; i < sums.length; i++) sums[i] = (sums[i] as number) / Math.max(1, counts[i] as number);
  return sums;
}

/** `dct:` and 16 hex digits, or undefined for an empty picture. */
export function perceptualHash(p: Pixels): string | undefined {
  if (p.width === 0 || p.height === 0) return undefined;
  const g = shrink(p);
  const cos = new Float64Array(LOW * SIZE);
  for (let u = 0; u < LOW; u++)
    for (let x = 0; x < SIZE; x++) cos[u * SIZE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * SIZE));
  const coef: number[] = [];
  for (let v = 0; v < LOW; v++)
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let y = 0; y < SIZE; y++) {
        const cy = cos[v * SIZE + y] as number;
        for (let x = 0; x < SIZE; x++)
          sum += (g[y * SIZE + x] as number) * (cos[u * SIZE + x] as number) * cy;
      }
      coef.push(sum);
    }
  // The DC term is the picture's mean brightness, not its structure: left out of the median.
  const median = [...coef.slice(1)].sort((a, b) => a - b)[31] as number;
  let hex = '';
  for (let i = 0; i < 64; i += 4) {
    let nibble = 0;
    for (let j = 0; j < 4; j++) nibble = (nibble << 1) | ((coef[i + j] as number) > median ? 1 : 0);
    hex += nibble.toString(16);
  }
  return `dct:${hex}`;
}

/** Bits in which two hashes differ (64 when they are not comparable). */
export function hammingDistance(a: string, b: string): number {
  if (!a.startsWith('dct:') || !b.startsWith('dct:') || a.length !== b.length) return 64;
  let d = 0;
  for (let i = 4; i < a.length; i++) {
    let x = Number.parseInt(a[i] as string, 16) ^ Number.parseInt(b[i] as string, 16);
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}
