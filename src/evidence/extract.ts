// One evidence file to what it says: its schema by content, its text (text layer, OCR, body), its own properties
// (title, author, email headers, media provenance) and the files inside it (archive entries, email attachments),
// which the caller reads next as its children.

import { readEmail } from './email.js';
import { type EvidenceLimits, EvidenceRefusal } from './limits.js';
import { ocrImage, ocrPdf, ocrTools } from './ocr.js';
import { docxText, xlsxText } from './office.js';
import { pdfText } from './pdf.js';
import { isMovie, mediaProvenance } from './provenance.js';
import { type EvidenceKind, IMAGE_KINDS, type Sniffed, sniff } from './sniff.js';
import { decodeText, htmlText, tidy } from './text.js';
import { unzipChecked } from './zip.js';

export interface ChildFile {
  /** Name shown for it: an archive entry's path, or an attachment's file name. */
  name: string;
  bytes: Buffer;
}

export interface Extracted {
  kind: EvidenceKind;
  mime: string;
  schema: string;
  text: string;
  props: Map<string, string[]>;
  children: ChildFile[];
  /** What the reader could not do or had to cut (OCR skipped, text cut, hash not computed): processingStatus. */
  status: string[];
}

export interface ExtractOptions {
  limits: EvidenceLimits;
  /** False turns OCR off; otherwise it runs where tesseract is installed. */
  ocr: boolean;
  /** Tesseract languages to read with, of those installed (default: OCR_LANGUAGES). */
  ocrLanguages?: readonly string[];
  /** Bytes nested archives may still expand to. */
  budget: number;
}

const SCHEMA: Partial<Record<EvidenceKind, string>> = {
  pdf: 'Pages',
  zip: 'Package',
  docx: 'Document',
  xlsx: 'Workbook',
  email: 'Email',
  html: 'HyperText',
  text: 'PlainText',
  mp4: 'Video',
};

function put(props: Map<string, string[]>, name: string, value: string | undefined): void {
  if (value === undefined || value === '') return;
  const list = props.get(name) ?? [];
  if (!list.includes(value)) list.push(value);
  props.set(name, list);
}

/** Text from OCR, or the reason it was not done, in `status`. */
async function ocr(
  run: () => Promise<string>,
  opts: ExtractOptions,
  what: string,
  status: string[],
  props: Map<string, string[]>,
): Promise<string> {
  if (!opts.ocr) {
    status.push(`OCR skipped for ${what}: turned off`);
    return '';
  }
  const tools = ocrTools(opts.ocrLanguages);
  if (tools.missing) {
    status.push(`OCR skipped for ${what}: ${tools.missing}`);
    return '';
  }
  try {
    const text = await run();
    put(props, 'processingAgent', `${tools.tesseract} (${tools.languages.join('+')})`);
    status.push(`text of ${what} from OCR`);
    return text;
  } catch (err) {
    status.push(`OCR failed for ${what}: ${err instanceof Error ? err.message.slice(0, 160) : 'error'}`);
    return '';
  }
}

async function readPdf(bytes: Buffer, opts: ExtractOptions, out: Extracted): Promise<void> {
  const pdf = await pdfText(bytes, opts.limits.maxPages);
  put(out.props, 'title', pdf.info.title);
  put(out.props, 'author', pdf.info.author);
  put(out.props, 'generator', pdf.info.creator);
  put(out.props, 'generator', pdf.info.producer);
  put(out.props, 'authoredAt', pdf.info.created);
  if (pdf.pageCount > pdf.pages.length) out.status.push(`read ${pdf.pages.length} of ${pdf.pageCount} pages`);
  out.status.push(...pdf.unreadable);
  const text = pdf.pages.join('\n\f\n');
  // A page with almost no text layer is a scan: the whole file goes to OCR when most pages are like that.
  const scanned = pdf.pages.filter((p) => p.replace(/\s/g, '').length < 20).length;
  if (pdf.pages.length > 0 && scanned * 2 > pdf.pages.length) {
    const tools = ocrTools(opts.ocrLanguages);
    const pages = Math.min(pdf.pages.length, opts.limits.maxOcrPages);
    let ocrText = '';
    if (opts.ocr && !tools.missing && !tools.pdftoppm)
      out.status.push(
        'OCR skipped for the scanned pages: pdftoppm is not installed (Debian: apt-get install poppler-utils)',
      );
    else
      ocrText = await ocr(
        async () => (await ocrPdf(bytes, pages, tools, opts.limits.toolTimeoutMs)).join('\n\f\n'),
        opts,
        'the scanned pages',
        out.status,
        out.props,
      );
    out.text = tidy(`${text}\n${ocrText}`);
  } else out.text = tidy(text);
}

async function readImage(bytes: Buffer, opts: ExtractOptions, out: Extracted): Promise<void> {
  const found = await mediaProvenance(bytes, out.kind, opts.limits.maxPixels);
  for (const [k, values] of found.props) for (const v of values) put(out.props, k, v);
  out.status.push(...found.notes);
  if (IMAGE_KINDS.has(out.kind) && out.kind !== 'heic')
    out.text = tidy(
      await ocr(
        () => ocrImage(bytes, ocrTools(opts.ocrLanguages), opts.limits.toolTimeoutMs),
        opts,
        'the image',
        out.status,
        out.props,
      ),
    );
}

/** Reads one file. Refusals (EvidenceRefusal) are the caller's to turn into rejects. */
export async function extract(
  bytes: Buffer,
  opts: ExtractOptions,
  sniffed: Sniffed = sniff(bytes),
): Promise<Extracted> {
  if (sniffed.polyglot)
    throw new EvidenceRefusal(
      'FILE_POLYGLOT',
      `the file is ${sniffed.kind.toUpperCase()} and also ${sniffed.polyglot} (a polyglot); refused`,
    );
  const kind = sniffed.kind;
  const out: Extracted = {
    kind,
    mime: sniffed.mime,
    schema: SCHEMA[kind] ?? (IMAGE_KINDS.has(kind) ? 'Image' : 'Document'),
    text: '',
    props: new Map(),
    children: [],
    status: [],
  };
  switch (kind) {
    case 'pdf':
      await readPdf(bytes, opts, out);
      break;
    case 'zip':
      for (const m of await unzipChecked(bytes, opts.limits, opts.budget))
        out.children.push({ name: m.path, bytes: m.bytes });
      break;
    case 'docx':
    case 'xlsx': {
      const office =
        kind === 'docx' ? await docxText(bytes, opts.limits) : await xlsxText(bytes, opts.limits);
      out.text = tidy(office.text);
      for (const [k, vs] of office.props) for (const v of vs) put(out.props, k, v);
      break;
    }
    case 'email': {
      const mail = await readEmail(bytes, opts.limits.maxFileBytes);
      out.text = tidy(mail.text);
      for (const [k, vs] of mail.props) for (const v of vs) put(out.props, k, v);
      out.children.push(...mail.attachments);
      break;
    }
    case 'html': {
      const { text, encoding } = decodeText(bytes);
      const html = htmlText(text);
      out.text = html.text;
      put(out.props, 'title', html.title);
      put(out.props, 'encoding', encoding);
      break;
    }
    case 'text': {
      const { text, encoding } = decodeText(bytes);
      out.text = tidy(text);
      put(out.props, 'encoding', encoding);
      break;
    }
    case 'mp4':
      if (!isMovie(bytes)) out.schema = 'Document';
      await readImage(bytes, opts, out);
      break;
    case 'binary':
      break;
    default:
      await readImage(bytes, opts, out);
  }
  if (out.text.length > opts.limits.maxTextChars) {
    out.status.push(`text cut to ${opts.limits.maxTextChars} of ${out.text.length} characters`);
    out.text = out.text.slice(0, opts.limits.maxTextChars);
  }
  return out;
}
