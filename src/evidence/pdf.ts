// The text layer of a PDF through Mozilla's PDF.js (pdfjs-dist, legacy build for Node), with its document info;
// scripts, fonts and network access off. A PDF without its end-of-file marker is refused as truncated.
import { EvidenceRefusal } from './limits.js';

export interface PdfText {
  pages: string[];
  /** Pages in the file (pages past the cap are not read). */
  pageCount: number;
  /** Pages that could not be read, and why. */
  unreadable: string[];
  info: { title?: string; author?: string; creator?: string; producer?: string; created?: string };
}

/** `D:20240131120000Z` and the like as an ISO date (day precision is what FtM dates keep). */
function pdfDate(value: unknown): string | undefined {
  const m = typeof value === 'string' ? /^(?:D:)?(\d{4})(\d{2})?(\d{2})?/.exec(value) : null;
  if (!m) return undefined;
  return [m[1], m[2], m[3]].filter(Boolean).join('-');
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Every PDF ends with `%%EOF` (writers may add a little after it): without one the file was cut short. */
export function checkPdfComplete(buf: Uint8Array): void {
  const tail = Buffer.from(buf.buffer, buf.byteOffset, buf.length).subarray(Math.max(0, buf.length - 1024));
  if (!tail.includes('%%EOF'))
    throw new EvidenceRefusal(
      'PDF_TRUNCATED',
      'the PDF has no end-of-file marker: it was cut short or is damaged',
    );
}

export async function pdfText(buf: Uint8Array, maxPages: number): Promise<PdfText> {
  // Loaded when a PDF is read, not with every command: parsing PDF.js took 0.3-0.8 s of each CLI start.
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  checkPdfComplete(buf);
  // PDF.js takes ownership of the array it is given: hand it a copy.
  const task = getDocument({
    data: new Uint8Array(buf),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy();
    const name = err instanceof Error ? err.name : '';
    if (name === 'PasswordException')
      throw new EvidenceRefusal(
        'PDF_ENCRYPTED',
        'the PDF is encrypted with a password; its text cannot be read',
      );
    throw new EvidenceRefusal(
      'PDF_INVALID',
      `the PDF cannot be read (${err instanceof Error ? err.message.slice(0, 120) : 'unknown error'})`,
    );
  }
  try {
    const pages: string[] = [];
    const unreadable: string[] = [];
    const count = Math.min(doc.numPages, maxPages);
    for (let i = 1; i <= count; i++) {
      try {
        const page = await doc.getPage(i);
        const content = await page.getTextContent();
        let text = '';
        for (const item of content.items) if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
        pages.push(text);
        page.cleanup();
      } catch (err) {
        // A damaged page is left out and named; the others are still read.
        pages.push('');
        unreadable.push(
          `page ${i} unreadable (${err instanceof Error ? err.message.slice(0, 80) : 'error'})`,
        );
      }
    }
    const meta = await doc.getMetadata().catch(() => undefined);
    const raw = (meta?.info ?? {}) as Record<string, unknown>;
    const info: PdfText['info'] = {};
    const title = str(raw.Title);
    const author = str(raw.Author);
    const creator = str(raw.Creator);
    const producer = str(raw.Producer);
    const created = pdfDate(raw.CreationDate);
    if (title) info.title = title;
    if (author) info.author = author;
    if (creator) info.creator = creator;
    if (producer) info.producer = producer;
    if (created) info.created = created;
    return { pages, pageCount: doc.numPages, info, unreadable };
  } finally {
    await doc.destroy();
  }
}
