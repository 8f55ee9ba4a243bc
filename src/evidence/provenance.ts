// Media provenance: what an image's or video's own metadata declares about how it was made (EXIF, IPTC, XMP, C2PA),
// gathered as properties of its entity (src/model/data/ftm-extensions.json), with flags for missing or unreadable
// provenance and a perceptual hash. It reports declarations; it proves nothing about the picture itself.
import exifr from 'exifr';
import { readBmff } from './bmff.js';
import { type C2paFindings, readC2pa } from './c2pa.js';
import { bmffBoxes } from './jumbf.js';
import { decodePixels, perceptualHash } from './phash.js';
import type { EvidenceKind } from './sniff.js';
import { readXmp } from './xmp.js';

/** IPTC NewsCodes digital source types that declare generative AI (https://cv.iptc.org/newscodes/digitalsourcetype/). */
const GENERATIVE_SOURCE_TYPES = ['trainedAlgorithmicMedia', 'compositeWithTrainedAlgorithmicMedia'];

export function isGenerativeSourceType(value: string): boolean {
  const last = value.split(/[/#]/).pop() ?? value;
  return GENERATIVE_SOURCE_TYPES.includes(last);
}

export interface ProvenanceResult {
  props: Map<string, string[]>;
  /** Steps that could not be done (decoding for the hash), for processingStatus. */
  notes: string[];
}

function add(props: Map<string, string[]>, name: string, value: string | undefined): void {
  if (value === undefined || value.trim() === '') return;
  const list = props.get(name) ?? [];
  if (!list.includes(value)) list.push(value);
  props.set(name, list);
}

function exifDate(v: unknown): string | undefined {
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 10);
  if (typeof v === 'string' && /^\d{4}[:-]\d{2}[:-]\d{2}/.test(v)) return v.slice(0, 10).replace(/:/g, '-');
  return undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.replace(/\0+$/, '').trim() || undefined;
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join(', ') || undefined;
  return undefined;
}

async function exifOf(
  bytes: Uint8Array,
): Promise<{ exif?: Record<string, unknown>; iptc?: Record<string, unknown> }> {
  try {
    const out = (await exifr.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), {
      tiff: true,
      exif: true,
      gps: false,
      iptc: true,
      xmp: false,
      icc: false,
      jfif: false,
      ihdr: false,
      mergeOutput: false,
      translateValues: false,
      reviveValues: true,
    })) as Record<string, Record<string, unknown>> | undefined;
    if (!out) return {};
    const exif = { ...(out.ifd0 ?? {}), ...(out.exif ?? {}) };
    return {
      ...(Object.keys(exif).length ? { exif } : {}),
      ...(out.iptc && Object.keys(out.iptc).length ? { iptc: out.iptc } : {}),
    };
  } catch {
    // exifr throws on files it does not know or whose segments are damaged: then there is no EXIF to report.
    return {};
  }
}

function addC2pa(props: Map<string, string[]>, c2pa: C2paFindings): void {
  add(props, 'metadataFound', 'C2PA');
  add(
    props,
    'c2paManifest',
    [
      c2pa.label || 'unlabelled manifest',
      c2pa.claimGenerator ? `claim generator ${c2pa.claimGenerator}` : '',
      c2pa.manifests > 1 ? `${c2pa.manifests} manifests` : '',
    ]
      .filter(Boolean)
      .join('; '),
  );
  add(props, 'c2paSignature', c2pa.signature);
  add(props, 'generator', c2pa.claimGenerator);
  for (const a of c2pa.actions) {
    add(
      props,
      'editHistory',
      [
        `C2PA ${a.action}`,
        a.softwareAgent ? `by ${a.softwareAgent}` : '',
        a.when ? `at ${a.when}` : '',
        a.digitalSourceType ? `(digitalSourceType ${a.digitalSourceType})` : '',
      ]
        .filter(Boolean)
        .join(' '),
    );
    if (a.digitalSourceType) add(props, 'digitalSourceType', a.digitalSourceType);
    if (a.digitalSourceType && isGenerativeSourceType(a.digitalSourceType))
      add(
        props,
        'generativeAi',
        `declared by C2PA ${a.action} action${a.softwareAgent ? ` (softwareAgent ${a.softwareAgent})` : ''}: ${a.digitalSourceType}`,
      );
  }
  if (c2pa.signature === 'absent') add(props, 'provenanceFlag', 'C2PA manifest without a signature');
  for (const p of c2pa.problems) add(props, 'provenanceFlag', `C2PA data partly unreadable: ${p}`);
}

/** Everything the file's own metadata says about its making, as entity properties. */
export async function mediaProvenance(
  bytes: Uint8Array,
  kind: EvidenceKind,
  maxPixels: number,
): Promise<ProvenanceResult> {
  const props = new Map<string, string[]>();
  const notes: string[] = [];
  const { exif, iptc } = kind === 'mp4' ? {} : await exifOf(bytes);
  if (exif) {
    add(props, 'metadataFound', 'EXIF');
    const make = str(exif.Make);
    const model = str(exif.Model);
    const device = make && model && !model.startsWith(make) ? `${make} ${model}` : (model ?? make);
    add(props, 'captureDevice', device);
    add(props, 'generator', str(exif.Software));
    add(props, 'author', str(exif.Artist));
    add(props, 'authoredAt', exifDate(exif.DateTimeOriginal) ?? exifDate(exif.CreateDate));
    add(props, 'modifiedAt', exifDate(exif.ModifyDate));
  }
  if (iptc) {
    add(props, 'metadataFound', 'IPTC');
    add(props, 'author', str(iptc.Byline));
    add(props, 'title', str(iptc.ObjectName) ?? str(iptc.Headline));
  }
  if (kind === 'mp4' || kind === 'heic') {
    const q = readBmff(bytes);
    if (q.make || q.model) add(props, 'metadataFound', 'QuickTime');
    add(props, 'captureDevice', q.make && q.model ? `${q.make} ${q.model}` : (q.model ?? q.make));
    add(props, 'generator', q.software);
  }
  const xmp = readXmp(bytes);
  if (xmp) {
    add(props, 'metadataFound', 'XMP');
    add(props, 'generator', xmp.creatorTool);
    for (const h of xmp.history) add(props, 'editHistory', `XMP ${h}`);
    for (const d of xmp.digitalSourceTypes) {
      add(props, 'digitalSourceType', d);
      if (isGenerativeSourceType(d))
        add(props, 'generativeAi', `declared by IPTC/XMP Iptc4xmpExt:DigitalSourceType: ${d}`);
    }
  }
  let c2pa: C2paFindings | undefined;
  try {
    c2pa = readC2pa(bytes, kind);
  } catch (err) {
    add(
      props,
      'provenanceFlag',
      `C2PA data present but unreadable (${err instanceof Error ? err.message.slice(0, 80) : 'error'})`,
    );
  }
  if (c2pa) addC2pa(props, c2pa);
  if (!props.has('metadataFound'))
    add(
      props,
      'provenanceFlag',
      'no EXIF, IPTC, XMP or C2PA metadata: stripped, or never recorded (absence proves nothing either way)',
    );
  else {
    if (!c2pa) add(props, 'provenanceFlag', 'no C2PA manifest (content credentials)');
    if (!props.has('captureDevice')) add(props, 'provenanceFlag', 'no capture device recorded');
  }
  try {
    const pixels = decodePixels(bytes, kind, maxPixels);
    const hash = pixels ? perceptualHash(pixels) : undefined;
    if (hash) add(props, 'perceptualHash', hash);
    else if (kind !== 'mp4') notes.push(`perceptual hash not computed: no decoder for ${kind.toUpperCase()}`);
  } catch (err) {
    notes.push(
      `perceptual hash not computed: ${err instanceof Error ? err.message.slice(0, 100) : 'cannot decode'}`,
    );
  }
  return { props, notes };
}

/** True when a BMFF file has a top-level movie box, i.e. it is a video rather than a still-image container. */
export function isMovie(bytes: Uint8Array): boolean {
  return bmffBoxes(bytes).some((b) => b.type === 'moov');
}
