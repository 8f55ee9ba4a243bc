// XMP packets found as text in a file (JPEG APP1, PNG iTXt, WebP XMP chunk, MP4 uuid box and HEIC items all keep them
// uncompressed), and the few fields provenance needs: IPTC Iptc4xmpExt:DigitalSourceType (verbatim), the creator tool,
// and the xmpMM:History of actions. Read with patterns over the packet, not a parser: the fields are flat, and a
// malformed packet should still give what it plainly states.

export interface XmpFindings {
  digitalSourceTypes: string[];
  creatorTool?: string;
  history: string[];
}

const MAX_PACKETS = 8;
const MAX_PACKET_CHARS = 2 * 1024 * 1024;

/** The XMP packets in the bytes, as text. */
export function xmpPackets(bytes: Uint8Array): string[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: string[] = [];
  let from = 0;
  while (out.length < MAX_PACKETS) {
    const start = buf.indexOf('<x:xmpmeta', from, 'latin1');
    if (start < 0) break;
    const end = buf.indexOf('</x:xmpmeta>', start, 'latin1');
    if (end < 0 || end - start > MAX_PACKET_CHARS) break;
    out.push(buf.subarray(start, end + 12).toString('utf8'));
    from = end + 12;
  }
  return out;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

/** Values of a property written as an attribute, an element, or an element with rdf:resource. */
function values(xmp: string, qname: string): string[] {
  const q = qname.replace('.', '\\.');
  const out: string[] = [];
  for (const m of xmp.matchAll(new RegExp(`${q}\\s*=\\s*"([^"]{1,2000})"`, 'g')))
    out.push(unescapeXml(m[1] as string));
  for (const m of xmp.matchAll(new RegExp(`${q}\\s*=\\s*'([^']{1,2000})'`, 'g')))
    out.push(unescapeXml(m[1] as string));
  for (const m of xmp.matchAll(new RegExp(`<${q}(?:\\s[^>]*)?>([^<]{1,2000})</${q}>`, 'g')))
    out.push(unescapeXml(m[1] as string));
  for (const m of xmp.matchAll(new RegExp(`<${q}\\s[^>]*rdf:resource\\s*=\\s*"([^"]{1,2000})"`, 'g')))
    out.push(unescapeXml(m[1] as string));
  return [...new Set(out.filter((v) => v !== ''))];
}

export function readXmp(bytes: Uint8Array): XmpFindings | undefined {
  const packets = xmpPackets(bytes);
  if (packets.length === 0) return undefined;
  const all = packets.join('\n');
  const found: XmpFindings = {
    digitalSourceTypes: values(all, 'Iptc4xmpExt:DigitalSourceType'),
    history: [],
  };
  const tool = values(all, 'xmp:CreatorTool')[0];
  if (tool) found.creatorTool = tool;
  // xmpMM:History: one rdf:li per event, its fields as stEvt: attributes or elements.
  const history = /<xmpMM:History>([\s\S]*?)<\/xmpMM:History>/.exec(all)?.[1] ?? '';
  for (const li of history.match(/<rdf:li\b[\s\S]*?(?:\/>|<\/rdf:li>)/g)?.slice(0, 100) ?? []) {
    const action = values(li, 'stEvt:action')[0];
    if (!action) continue;
    const agent = values(li, 'stEvt:softwareAgent')[0];
    const when = values(li, 'stEvt:when')[0];
    found.history.push(
      [action, agent ? `by ${agent}` : '', when ? `at ${when}` : ''].filter(Boolean).join(' '),
    );
  }
  return found;
}
