// Hand-made evidence fixtures, built byte by byte so every test knows exactly what is in them: a PDF with a text
// layer, an email with an attachment, ZIP archives (good and hostile), JPEGs with EXIF, XMP and a C2PA-style JUMBF
// manifest, and one stripped of all metadata.
import { deflateRawSync } from 'node:zlib';
import { encode, Tag } from 'cbor2';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** A PDF whose pages hold the given lines of text in Helvetica. */
export function makePdf(pages: string[]): Buffer {
  const objs: string[] = [];
  const kids = pages.map((_, i) => `${4 + i * 2} 0 R`).join(' ');
  objs.push('<< /Type /Catalog /Pages 2 0 R >>');
  objs.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  objs.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  pages.forEach((text, i) => {
    const ops = text
      .split('\n')
      .map((l, j) => `BT /F1 12 Tf 72 ${720 - j * 16} Td (${l.replace(/[()\\]/g, '\\$&')}) Tj ET`)
      .join('\n');
    objs.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`,
    );
    objs.push(`<< /Length ${Buffer.byteLength(ops, 'latin1')} >>\nstream\n${ops}\nendstream`);
  });
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A PDF with no text layer: one page showing a JPEG (a scan). */
export function makeImagePdf(jpg: Buffer, width: number, height: number): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const add = (b: Buffer) => {
    parts.push(b);
    length += b.length;
  };
  const obj = (n: number, body: Buffer | string) => {
    offsets[n] = length;
    add(Buffer.from(`${n} 0 obj\n`, 'latin1'));
    add(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
    add(Buffer.from('\nendobj\n', 'latin1'));
  };
  const ops = `q 612 0 0 ${Math.round((612 * height) / width)} 0 0 cm /Im1 Do Q`;
  add(Buffer.from('%PDF-1.4\n', 'latin1'));
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  obj(
    3,
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>',
  );
  obj(
    4,
    Buffer.concat([
      Buffer.from(
        `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpg.length} >>\nstream\n`,
        'latin1',
      ),
      jpg,
      Buffer.from('\nendstream', 'latin1'),
    ]),
  );
  obj(5, `<< /Length ${ops.length} >>\nstream\n${ops}\nendstream`);
  const xref = length;
  let tail = 'xref\n0 6\n0000000000 65535 f \n';
  for (let n = 1; n <= 5; n++) tail += `${String(offsets[n]).padStart(10, '0')} 00000 n \n`;
  tail += `trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  add(Buffer.from(tail, 'latin1'));
  return Buffer.concat(parts);
}

/** An email with a text body and one attachment (base64). */
export function makeEmail(body: string, attachment: { name: string; bytes: Buffer; type: string }): Buffer {
  const b64 = attachment.bytes.toString('base64').replace(/(.{76})/g, '$1\r\n');
  return Buffer.from(
    [
      'From: "Anna Ivanova" <anna@example.org>',
      'To: Bob Smith <bob@example.com>',
      'Subject: Shipment and payment',
      'Date: Tue, 02 Jan 2024 10:00:00 +0000',
      'Message-ID: <msg-1@example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="XYZ"',
      '',
      '--XYZ',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '--XYZ',
      `Content-Type: ${attachment.type}; name="${attachment.name}"`,
      `Content-Disposition: attachment; filename="${attachment.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      b64,
      '--XYZ--',
      '',
    ].join('\r\n'),
    'utf8',
  );
}

// ---- ZIP ----------------------------------------------------------------------------------------------------------

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

export interface ZipInput {
  name: string;
  data: Buffer;
  /** Unix mode for the external attributes (0o120777 makes a symlink). */
  mode?: number;
  /** Size to claim in the headers instead of the real one. */
  claimSize?: number;
}

/** A ZIP written by hand (deflated entries), so hostile names, modes and sizes can be put in it. */
export function makeZip(entries: ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const packed = deflateRawSync(e.data);
    const crc = crc32(e.data);
    const size = e.claimSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

// ---- images ---------------------------------------------------------------------------------------------------------

/** RGBA pixels of a simple picture: a gradient with a block, shifted by `variant` to make a different picture. */
export function picture(width: number, height: number, variant = 0): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const block = variant === 0 ? x > width / 3 && x < (2 * width) / 3 && y > height / 4 : (x + y) % 16 < 8;
      const v = block ? 230 : Math.round((x / width) * 120 + (y / height) * 60);
      data[i] = v;
      data[i + 1] = variant === 0 ? v : 255 - v;
      data[i + 2] = v;
      data[i + 3] = 255;
    }
  return data;
}

/** A baseline JPEG of the picture, with no metadata segment but JFIF. */
export function plainJpeg(width = 64, height = 48, variant = 0, quality = 90): Buffer {
  return Buffer.from(jpeg.encode({ data: picture(width, height, variant), width, height }, quality).data);
}

export function plainPng(width = 64, height = 48, variant = 0): Buffer {
  const png = new PNG({ width, height });
  picture(width, height, variant).copy(png.data);
  return PNG.sync.write(png);
}

function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** Inserts segments right after SOI. */
export function withSegments(jpg: Buffer, segments: Buffer[]): Buffer {
  return Buffer.concat([jpg.subarray(0, 2), ...segments, jpg.subarray(2)]);
}

/** An APP1 EXIF segment: IFD0 with Make, Model and Software (big-endian TIFF, ASCII values). */
export function exifSegment(tags: { make?: string; model?: string; software?: string }): Buffer {
  const entries: [number, string][] = [];
  if (tags.make) entries.push([0x010f, tags.make]);
  if (tags.model) entries.push([0x0110, tags.model]);
  if (tags.software) entries.push([0x0131, tags.software]);
  const ifdSize = 2 + entries.length * 12 + 4;
  let dataAt = 8 + ifdSize;
  const ifd = Buffer.alloc(ifdSize);
  ifd.writeUInt16BE(entries.length, 0);
  const values: Buffer[] = [];
  entries.forEach(([tag, value], i) => {
    const v = Buffer.from(`${value}\0`, 'latin1');
    const at = 2 + i * 12;
    ifd.writeUInt16BE(tag, at);
    ifd.writeUInt16BE(2, at + 2); // ASCII
    ifd.writeUInt32BE(v.length, at + 4);
    if (v.length <= 4) v.copy(ifd, at + 8);
    else {
      ifd.writeUInt32BE(dataAt, at + 8);
      values.push(v);
      dataAt += v.length;
    }
  });
  const tiff = Buffer.concat([Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), ifd, ...values]);
  return segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));
}

/** An APP1 XMP segment holding the given rdf:Description attributes and inner XML. */
export function xmpSegment(attributes: string, inner = ''): Buffer {
  const packet =
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    '<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" ' +
    `xmlns:xmp="http://ns.adobe.com/xap/1.0/" ${attributes}>${inner}</rdf:Description></rdf:RDF></x:xmpmeta>` +
    '<?xpacket end="w"?>';
  return segment(
    0xe1,
    Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), Buffer.from(packet, 'utf8')]),
  );
}

function box(type: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}

const C2PA_UUIDS: Record<string, string> = {
  store: '6332706100110010800000aa00389b71',
  manifest: '63326d6100110010800000aa00389b71',
  assertions: '6332617300110010800000aa00389b71',
  claim: '6332636c00110010800000aa00389b71',
  signature: '6332637300110010800000aa00389b71',
  cbor: '63626f7200110010800000aa00389b71',
};

function superbox(kind: string, label: string, children: Buffer[]): Buffer {
  const desc = Buffer.concat([
    Buffer.from(C2PA_UUIDS[kind] as string, 'hex'),
    Buffer.from([0x03]),
    Buffer.from(`${label}\0`, 'utf8'),
  ]);
  return box('jumb', Buffer.concat([box('jumd', desc), ...children]));
}

/** A C2PA-style manifest store: one manifest with a claim, a c2pa.actions assertion and a COSE_Sign1 signature. */
export function c2paStore(actions: Record<string, unknown>[], generator = 'Example Generator/1.0'): Buffer {
  const cborBox = (value: unknown) => box('cbor', Buffer.from(encode(value)));
  const assertion = superbox('cbor', 'c2pa.actions', [cborBox({ actions })]);
  const claim = superbox('claim', 'c2pa.claim', [
    cborBox({
      claim_generator: generator,
      'dc:title': 'picture.jpg',
      signature: 'self#jumbf=c2pa.signature',
    }),
  ]);
  const protectedHeader = new Uint8Array(encode(new Map([[1, -7]])));
  const sign1 = new Tag(18, [protectedHeader, new Map(), null, new Uint8Array(64)]);
  const signature = superbox('signature', 'c2pa.signature', [cborBox(sign1)]);
  const manifest = superbox('manifest', 'urn:uuid:00000000-0000-4000-8000-000000000001', [
    superbox('assertions', 'c2pa.assertions', [assertion]),
    claim,
    signature,
  ]);
  return superbox('store', 'c2pa', [manifest]);
}

/** The store as JPEG APP11 segments (split so the continuation logic is exercised). */
export function jumbfSegments(store: Buffer, chunk = 200): Buffer[] {
  const out: Buffer[] = [];
  const header = store.subarray(0, 8);
  for (let at = 0, seq = 1; at < store.length; seq++) {
    const part =
      seq === 1 ? store.subarray(0, chunk) : Buffer.concat([header, store.subarray(at, at + chunk)]);
    const head = Buffer.alloc(8);
    head.write('JP', 0, 'latin1');
    head.writeUInt16BE(1, 2);
    head.writeUInt32BE(seq, 4);
    out.push(segment(0xeb, Buffer.concat([head, part])));
    at += chunk;
  }
  return out;
}
