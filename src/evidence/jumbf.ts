// Finding JUMBF (ISO/IEC 19566-5) data, where C2PA keeps its manifests, in the containers C2PA defines: JPEG APP11
// segments, the PNG `caBX` chunk, the RIFF `C2PA` chunk of WebP, and the ISO BMFF `uuid` box (MP4, HEIC); then
// reading the boxes themselves. Every length is checked against the bytes at hand.

export interface JumbfBox {
  /** Box type: `jumb` (superbox), `jumd`, `cbor`, `json`, `bidb`, ... */
  type: string;
  /** For a superbox: its description's label (e.g. `c2pa`, `c2pa.claim`, `urn:uuid:...`). */
  label?: string;
  /** For a superbox: its description's content-type UUID, as 32 hex digits. */
  contentType?: string;
  children: JumbfBox[];
  /** For a content box: its payload. */
  data?: Uint8Array;
}

const C2PA_BMFF_UUID = 'd8fec3d61b0e483c92975828877ec481';
const MAX_BOXES = 10_000;

function u32(b: Uint8Array, i: number): number {
  return (
    (((b[i] as number) << 24) >>> 0) +
    ((b[i + 1] as number) << 16) +
    ((b[i + 2] as number) << 8) +
    (b[i + 3] as number)
  );
}

function fourcc(b: Uint8Array, i: number): string {
  return String.fromCharCode(b[i] as number, b[i + 1] as number, b[i + 2] as number, b[i + 3] as number);
}

/** The JUMBF bytes of a JPEG: APP11 segments of common identifier `JP`, joined per box instance in sequence order. */
function fromJpeg(b: Uint8Array): Uint8Array[] {
  const parts = new Map<number, { seq: number; data: Uint8Array }[]>();
  let i = 2;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const marker = b[i + 1] as number;
    if (marker === 0xda || marker === 0xd9) break; // start of scan, end of image
    const len = ((b[i + 2] as number) << 8) + (b[i + 3] as number);
    if (len < 2 || i + 2 + len > b.length) break;
    if (marker === 0xeb && len >= 18 && b[i + 4] === 0x4a && b[i + 5] === 0x50) {
      const instance = ((b[i + 6] as number) << 8) + (b[i + 7] as number);
      const seq = u32(b, i + 8);
      // The first segment carries the box header; later ones repeat it (8 bytes) before their continuation.
      const start = i + 12;
      const data = seq <= 1 ? b.subarray(start, i + 2 + len) : b.subarray(start + 8, i + 2 + len);
      const list = parts.get(instance) ?? [];
      list.push({ seq, data });
      parts.set(instance, list);
    }
    i += 2 + len;
  }
  return [...parts.values()].map((list) => joinParts(list.sort((x, y) => x.seq - y.seq).map((p) => p.data)));
}

function joinParts(list: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(list.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of list) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function fromPng(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 8;
  while (i + 12 <= b.length) {
    const len = u32(b, i);
    const type = fourcc(b, i + 4);
    if (i + 12 + len > b.length) break;
    if (type === 'caBX') out.push(b.subarray(i + 8, i + 8 + len));
    if (type === 'IEND') break;
    i += 12 + len;
  }
  return out;
}

function fromRiff(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 12;
  while (i + 8 <= b.length) {
    const type = fourcc(b, i);
    const len =
      (b[i + 4] as number) +
      ((b[i + 5] as number) << 8) +
      ((b[i + 6] as number) << 16) +
      (((b[i + 7] as number) << 24) >>> 0);
    if (i + 8 + len > b.length) break;
    if (type === 'C2PA') out.push(b.subarray(i + 8, i + 8 + len));
    i += 8 + len + (len % 2);
  }
  return out;
}

/** Top-level ISO BMFF boxes: type, payload start and end. */
export function bmffBoxes(
  b: Uint8Array,
  from = 0,
  to = b.length,
): { type: string; start: number; end: number }[] {
  const boxes: { type: string; start: number; end: number }[] = [];
  let i = from;
  while (i + 8 <= to && boxes.length < MAX_BOXES) {
    let size = u32(b, i);
    const type = fourcc(b, i + 4);
    let header = 8;
    if (size === 1) {
      if (i + 16 > to) break;
      size = u32(b, i + 8) * 2 ** 32 + u32(b, i + 12);
      header = 16;
    } else if (size === 0) size = to - i;
    if (size < header || i + size > to) break;
    boxes.push({ type, start: i + header, end: i + size });
    i += size;
  }
  return boxes;
}

function fromBmff(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const box of bmffBoxes(b)) {
    if (box.type !== 'uuid' || box.end - box.start < 20) continue;
    const uuid = Buffer.from(b.subarray(box.start, box.start + 16)).toString('hex');
    if (uuid !== C2PA_BMFF_UUID) continue;
    // version and flags (4), a purpose string ending in NUL, then for `manifest` an 8-byte offset, then the JUMBF.
    let i = box.start + 20;
    while (i < box.end && b[i] !== 0) i++;
    const purpose = Buffer.from(b.subarray(box.start + 20, i)).toString('latin1');
    i += 1 + (purpose === 'manifest' ? 8 : 0);
    if (purpose === 'manifest' && i < box.end) out.push(b.subarray(i, box.end));
  }
  return out;
}

/** The JUMBF data a file carries, by container kind. */
export function findJumbf(b: Uint8Array, kind: string): Uint8Array[] {
  if (kind === 'jpeg') return fromJpeg(b);
  if (kind === 'png') return fromPng(b);
  if (kind === 'webp') return fromRiff(b);
  if (kind === 'mp4' || kind === 'heic') return fromBmff(b);
  return [];
}

/** The JUMBF boxes in `b`; malformed tails are left out (the caller flags a manifest it cannot read). */
export function parseJumbf(b: Uint8Array, depth = 0): JumbfBox[] {
  const boxes: JumbfBox[] = [];
  if (depth > 16) return boxes;
  for (const box of bmffBoxes(b)) {
    const body = b.subarray(box.start, box.end);
    if (box.type !== 'jumb') {
      boxes.push({ type: box.type, children: [], data: body });
      continue;
    }
    const inner = bmffBoxes(body);
    const desc = inner[0];
    const out: JumbfBox = { type: 'jumb', children: [] };
    if (desc && desc.type === 'jumd' && desc.end - desc.start >= 17) {
      out.contentType = Buffer.from(body.subarray(desc.start, desc.start + 16)).toString('hex');
      const toggles = body[desc.start + 16] as number;
      if (toggles & 0x02) {
        let e = desc.start + 17;
        while (e < desc.end && body[e] !== 0) e++;
        out.label = Buffer.from(body.subarray(desc.start + 17, e)).toString('utf8');
      }
    }
    const rest = desc ? body.subarray(desc.end) : body;
    out.children = parseJumbf(rest, depth + 1);
    boxes.push(out);
  }
  return boxes;
}
