// Word and Excel evidence: text from a hand-made .docx and an exceljs-written .xlsx, typed by content, not name.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { extract } from '../../src/evidence/extract.js';
import { DEFAULT_EVIDENCE_LIMITS } from '../../src/evidence/index.js';
import { makeZip } from './fixtures.js';

const opts = {
  limits: DEFAULT_EVIDENCE_LIMITS,
  ocr: false,
  budget: DEFAULT_EVIDENCE_LIMITS.maxUncompressedBytes,
};

describe('Office documents', () => {
  it('reads the paragraphs of a Word document and its core properties', async () => {
    const docx = makeZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      {
        name: 'word/document.xml',
        data: Buffer.from(
          '<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Contract between</w:t></w:r><w:r><w:t xml:space="preserve"> Northern Shipping Ltd</w:t></w:r></w:p><w:p><w:r><w:t>and</w:t><w:tab/><w:t>Viktor Petrov</w:t></w:r></w:p></w:body></w:document>',
        ),
      },
      {
        name: 'docProps/core.xml',
        data: Buffer.from(
          '<cp:coreProperties><dc:title>Charter</dc:title><dc:creator>A. Clerk</dc:creator><dcterms:created>2024-03-01T10:00:00Z</dcterms:created></cp:coreProperties>',
        ),
      },
    ]);
    const x = await extract(docx, opts);
    expect(x.kind).toBe('docx');
    expect(x.text).toBe('Contract between Northern Shipping Ltd\nand Viktor Petrov');
    expect(x.props.get('title')).toEqual(['Charter']);
    expect(x.props.get('author')).toEqual(['A. Clerk']);
    expect(x.props.get('authoredAt')).toEqual(['2024-03-01']);
  });

  it('reads the cells of every sheet of a workbook', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Payments').addRows([
      ['payer', 'amount'],
      ['Viktor Petrov', 1200],
    ]);
    const x = await extract(Buffer.from(await wb.xlsx.writeBuffer()), opts);
    expect(x.kind).toBe('xlsx');
    expect(x.schema).toBe('Workbook');
    expect(x.text).toContain('# Payments');
    expect(x.text).toContain('Viktor Petrov 1200');
  });
});
