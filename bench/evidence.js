#!/usr/bin/env node
// Evidence ingest benchmark (issue 10): documents per second for text PDFs and for emails with an attachment, and OCR
// pages per minute for image-only PDFs (tesseract and pdftoppm from Debian; the OCR part is skipped, saying so, when
// either is missing). The fixtures are generated here, by hand, into a temporary folder; each kind is ingested with
// `ingestEvidence` from dist/ into a fresh SQLite store holding a few entities for the mentions to match.
//
// Usage: npm run bench:evidence [-- --pdfs 500] [--emails 500] [--ocr-pages 10] [--keep]
// Prints Markdown on stdout; writes bench/out/evidence-bench-N.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.js';

const { values: opt } = parseArgs({
  options: {
    pdfs: { type: 'string', default: '500' },
    emails: { type: 'string', default: '500' },
    'ocr-pages': { type: 'string', default: '10' },
    keep: { type: 'boolean', default: false },
  },
});
const dist = process.env.NEXUS_DIST ?? new URL('../dist/', import.meta.url).pathname;
const { localOperator } = await import(join(dist, 'access/index.js'));
const { SqliteStore } = await import(join(dist, 'store/index.js'));
const { ingestEvidence } = await import(join(dist, 'evidence/index.js'));
const { validateRecord, newEntity } = await import(join(dist, 'ingest/index.js'));

const NAMES = ['Viktor Petrov', 'Anna Ivanova', 'Northern Shipping Ltd', 'Kim Sun Hui', 'Omar Haddad'];
const log = (m) => process.stderr.write(`${m}\n`);

function pdf(lines) {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const ops = lines.map((l, j) => `BT /F1 11 Tf 60 ${740 - j * 14} Td (${l}) Tj ET`).join('\n');
  objs.push(
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>',
  );
  objs.push(`<< /Length ${ops.length} >>\nstream\n${ops}\nendstream`);
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function text(i) {
  const lines = [];
  for (let j = 0; j < 40; j++)
    lines.push(
      `Line ${j} of report ${i}: payment reference ${i * 100 + j} arranged by ${NAMES[(i + j) % NAMES.length]} for cargo.`,
    );
  return lines;
}

function email(i) {
  const note = Buffer.from(text(i).join('\n'))
    .toString('base64')
    .replace(/(.{76})/g, '$1\r\n');
  return [
    `From: sender${i}@example.org`,
    'To: Receiver <receiver@example.com>',
    `Subject: Report ${i}`,
    'Date: Tue, 02 Jan 2024 10:00:00 +0000',
    `Message-ID: <m${i}@example.org>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="B"',
    '',
    '--B',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Please call +44 20 7946 ${String(1000 + (i % 9000)).padStart(4, '0')}. ${text(i).slice(0, 10).join(' ')}`,
    '--B',
    'Content-Type: text/plain; name="note.txt"',
    'Content-Disposition: attachment; filename="note.txt"',
    'Content-Transfer-Encoding: base64',
    '',
    note,
    '--B--',
    '',
  ].join('\r\n');
}

/** A grey PNG of a rasterised text page, made by pdftoppm from a text PDF, for the image-only PDFs. */
function scanPdf(dir, i) {
  const src = join(dir, `src-${i}.pdf`);
  writeFileSync(src, pdf(text(i).slice(0, 30)));
  const r = spawnSync('pdftoppm', ['-r', '150', '-jpeg', '-singlefile', src, join(dir, `scan-${i}`)]);
  if (r.status !== 0) throw new Error('pdftoppm failed');
  const jpg = readFileSync(join(dir, `scan-${i}.jpg`));
  const parts = [];
  let len = 0;
  const offs = [];
  const add = (b) => {
    parts.push(b);
    len += b.length;
  };
  const obj = (n, body) => {
    offs[n] = len;
    add(Buffer.from(`${n} 0 obj\n`));
    add(typeof body === 'string' ? Buffer.from(body) : body);
    add(Buffer.from('\nendobj\n'));
  };
  add(Buffer.from('%PDF-1.4\n'));
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
        `<< /Type /XObject /Subtype /Image /Width 1275 /Height 1650 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpg.length} >>\nstream\n`,
      ),
      jpg,
      Buffer.from('\nendstream'),
    ]),
  );
  const ops = 'q 612 0 0 792 0 0 cm /Im1 Do Q';
  obj(5, `<< /Length ${ops.length} >>\nstream\n${ops}\nendstream`);
  const xref = len;
  let tail = 'xref\n0 6\n0000000000 65535 f \n';
  for (let n = 1; n <= 5; n++) tail += `${String(offs[n]).padStart(10, '0')} 00000 n \n`;
  add(Buffer.from(`${tail}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`));
  return Buffer.concat(parts);
}

async function run(label, dir, files, ocr, ocrLanguages) {
  const store = new SqliteStore({ path: join(dir, `${label}-${ocrLanguages?.join('+') ?? 'default'}.db`) });
  await store.migrate();
  const ctx = localOperator('bench', 'benchmark');
  const records = NAMES.map((name, i) => {
    const e = newEntity(`bench-${i}`, i === 2 ? 'Company' : 'Person');
    e.properties.set('name', [name]);
    return validateRecord(
      { kind: 'record', origin: { file: 'names' }, entities: [e] },
      { dataset: 'case', marking: 'OFFICIAL', grading: null, now: '2026-01-01T00:00:00' },
    ).groups;
  });
  await store.putStatements(ctx, { dataset: 'case', records: records.map((groups) => ({ groups })) });
  const started = performance.now();
  const summary = await ingestEvidence(ctx, store, {
    dataset: label,
    paths: [join(dir, label)],
    ocr,
    ...(ocrLanguages ? { ocrLanguages } : {}),
    indexContext: ctx,
  });
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return {
    label,
    files,
    documents: summary.documents,
    statements: summary.statements,
    rejected: summary.rejected,
    seconds: Math.round(seconds * 100) / 100,
    ocr: summary.ocr,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'nexus-bench-evidence-'));
const results = [];
try {
  const nPdf = Number(opt.pdfs);
  mkdirSync(join(dir, 'pdfs'));
  for (let i = 0; i < nPdf; i++) writeFileSync(join(dir, 'pdfs', `r${i}.pdf`), pdf(text(i)));
  log(`ingesting ${nPdf} text PDFs`);
  const p = await run('pdfs', dir, nPdf, false);
  results.push({ ...p, rate: `${Math.round(p.documents / p.seconds)} documents/s` });

  const nMail = Number(opt.emails);
  mkdirSync(join(dir, 'emails'));
  for (let i = 0; i < nMail; i++) writeFileSync(join(dir, 'emails', `m${i}.eml`), email(i));
  log(`ingesting ${nMail} emails (each with one attachment)`);
  const m = await run('emails', dir, nMail, false);
  results.push({
    ...m,
    rate: `${Math.round(m.documents / m.seconds)} documents/s (${Math.round(m.files / m.seconds)} emails/s)`,
  });

  const tools = ['tesseract', 'pdftoppm'].filter(
    (t) => spawnSync(t, [t === 'tesseract' ? '--version' : '-v']).error,
  );
  if (tools.length) log(`OCR part skipped: ${tools.join(' and ')} not installed`);
  else {
    const n = Number(opt['ocr-pages']);
    mkdirSync(join(dir, 'scans'));
    for (let i = 0; i < n; i++) writeFileSync(join(dir, 'scans', `s${i}.pdf`), scanPdf(dir, i));
    log(`ingesting ${n} image-only PDF pages through OCR, English only`);
    const e = await run('scans', dir, n, true, ['eng']);
    results.push({
      ...e,
      label: 'scans (eng)',
      rate: `${Math.round((n / e.seconds) * 60 * 10) / 10} pages/min`,
    });
    log(`ingesting ${n} image-only PDF pages through OCR, every language pack (the default)`);
    const o = await run('scans', dir, n, true);
    results.push({
      ...o,
      label: 'scans (all packs)',
      rate: `${Math.round((n / o.seconds) * 60 * 10) / 10} pages/min`,
    });
  }
} finally {
  if (!opt.keep) rmSync(dir, { recursive: true, force: true });
}
const machine = machineInfo();
const lines = [
  '| input | files | documents | statements | seconds | rate |',
  '|---|---:|---:|---:|---:|---|',
];
for (const r of results)
  lines.push(`| ${r.label} | ${r.files} | ${r.documents} | ${r.statements} | ${r.seconds} | ${r.rate} |`);
lines.push(
  '',
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB, Node ${machine.node}. OCR: ${results.at(-1)?.ocr ?? 'n/a'}`,
);
process.stdout.write(`${lines.join('\n')}\n`);
const out = new URL('./out/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
let n = 1;
while (existsSync(join(out, `evidence-bench-${n}.json`))) n++;
writeFileSync(join(out, `evidence-bench-${n}.json`), JSON.stringify({ machine, results }, null, 2));
