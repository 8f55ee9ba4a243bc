// What an ISO BMFF file (MP4, QuickTime, HEIC) says about the device and software that made it: the QuickTime user
// data atoms ©mak, ©mod, ©swr and ©too under moov/udta. (XMP and C2PA in these files are found by xmp.ts and jumbf.ts.)
import { bmffBoxes } from './jumbf.js';

export interface BmffFindings {
  make?: string;
  model?: string;
  software?: string;
}

const CONTAINERS = new Set(['moov', 'udta', 'trak', 'meta']);

/** A ©xxx atom's text: a 2-byte length, a 2-byte language code, then the text. */
function atomText(b: Uint8Array, start: number, end: number): string | undefined {
  if (end - start < 4) return undefined;
  const len = ((b[start] as number) << 8) + (b[start + 1] as number);
  const text = Buffer.from(b.subarray(start + 4, Math.min(end, start + 4 + len)))
    .toString('utf8')
    .trim();
  return text === '' ? undefined : text.slice(0, 200);
}

export function readBmff(b: Uint8Array): BmffFindings {
  const found: BmffFindings = {};
  const walk = (from: number, to: number, depth: number) => {
    if (depth > 6) return;
    for (const box of bmffBoxes(b, from, to)) {
      if (CONTAINERS.has(box.type)) {
        // `meta` is a full box: 4 bytes of version and flags before its children (in QuickTime files, sometimes not).
        const skip = box.type === 'meta' && b[box.start + 4] !== 0x68 ? 4 : 0;
        walk(box.start + skip, box.end, depth + 1);
      } else if (box.type === '\u00a9mak') found.make ??= atomText(b, box.start, box.end);
      else if (box.type === '\u00a9mod') found.model ??= atomText(b, box.start, box.end);
      else if (box.type === '\u00a9swr' || box.type === '\u00a9too')
        found.software ??= atomText(b, box.start, box.end);
    }
  };
  walk(0, b.length, 0);
  return found;
}
