// Office documents: Word (.docx) text from its XML through saxes (already used for the UN list; it never expands
// external entities), Excel (.xlsx) cell text through exceljs. Both are ZIP files, so the archive checks come first
// (src/evidence/zip.ts) and only the checked bytes reach a parser.
import ExcelJS from 'exceljs';
import { SaxesParser } from 'saxes';
import { type EvidenceLimits, EvidenceRefusal } from './limits.js';
import { unzipChecked, type ZipMember } from './zip.js';

const TEXT_TAGS = new Set(['w:t', 'a:t']);

export interface OfficeText {
  text: string;
  props: Map<string, string[]>;
}

/** Text of the elements that hold it (`w:t` in Word, `a:t` in drawings), with `onTag` adding breaks and tabs. */
function xmlText(xml: string, onTag: (name: string, open: boolean, out: string[]) => void): string {
  const out: string[] = [];
  let inText = 0;
  const parser = new SaxesParser({ xmlns: false });
  parser.on('opentag', (t) => {
    if (TEXT_TAGS.has(t.name)) inText++;
    onTag(t.name, true, out);
  });
  parser.on('closetag', (t) => {
    if (TEXT_TAGS.has(t.name)) inText--;
    onTag(t.name, false, out);
  });
  parser.on('text', (s) => {
    if (inText > 0) out.push(s);
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    throw new EvidenceRefusal(
      'OFFICE_INVALID',
      `the document's XML is malformed (${err instanceof Error ? err.message.slice(0, 80) : ''})`,
    );
  }
  return out.join('');
}

function member(members: ZipMember[], path: string): string | undefined {
  return members.find((m) => m.path === path)?.bytes.toString('utf8');
}

/** Title, author and creation date from docProps/core.xml. */
function coreProps(members: ZipMember[]): Map<string, string[]> {
  const props = new Map<string, string[]>();
  const xml = member(members, 'docProps/core.xml');
  if (!xml) return props;
  const grab = (tag: string) => {
    const m = new RegExp(`<${tag}[^>]*>([^<]{1,1000})</${tag}>`).exec(xml);
    return m?.[1]?.trim();
  };
  const title = grab('dc:title');
  const author = grab('dc:creator');
  const created = grab('dcterms:created');
  if (title) props.set('title', [title]);
  if (author) props.set('author', [author]);
  if (created && /^\d{4}-\d{2}-\d{2}/.test(created)) props.set('authoredAt', [created.slice(0, 10)]);
  return props;
}

export async function docxText(buf: Buffer, limits: EvidenceLimits): Promise<OfficeText> {
  const members = await unzipChecked(buf, limits, limits.maxUncompressedBytes);
  const parts = members
    .filter((m) => /^word\/(document|footnotes|endnotes|header\d*|footer\d*)\.xml$/.test(m.path))
    .sort((a, b) =>
      a.path === 'word/document.xml' ? -1 : b.path === 'word/document.xml' ? 1 : a.path.localeCompare(b.path),
    );
  if (!parts.some((p) => p.path === 'word/document.xml'))
    throw new EvidenceRefusal('OFFICE_INVALID', 'a Word document without word/document.xml');
  const texts = parts.map((p) =>
    xmlText(p.bytes.toString('utf8'), (name, open, out) => {
      if (!open && name === 'w:p') out.push('\n');
      else if (open && name === 'w:tab') out.push('\t');
      else if (open && (name === 'w:br' || name === 'w:cr')) out.push('\n');
    }),
  );
  return { text: texts.join('\n'), props: coreProps(members) };
}

export async function xlsxText(buf: Buffer, limits: EvidenceLimits): Promise<OfficeText> {
  // The checks and their limits first; exceljs then reads bytes known to be within them.
  const members = await unzipChecked(buf, limits, limits.maxUncompressedBytes);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (err) {
    throw new EvidenceRefusal(
      'OFFICE_INVALID',
      `the workbook cannot be read (${err instanceof Error ? err.message.slice(0, 80) : ''})`,
    );
  }
  const lines: string[] = [];
  workbook.eachSheet((sheet) => {
    lines.push(`# ${sheet.name}`);
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: false }, (cell) => {
        const t = cell.text;
        if (t !== '') cells.push(t);
      });
      if (cells.length) lines.push(cells.join('\t'));
    });
  });
  return { text: lines.join('\n'), props: coreProps(members) };
}
