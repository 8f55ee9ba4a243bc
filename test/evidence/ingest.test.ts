// `nexus ingest --format files` end to end: a folder of mixed evidence (a PDF, an email with an attachment, a ZIP
// with HTML, images with and without provenance) in one command; documents, mentions linked to stored entities,
// provenance findings on the images, near-duplicates; a rerun adds nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nexus, nexusJson, tempHome } from '../cli/helpers.js';
import {
  c2paStore,
  exifSegment,
  jumbfSegments,
  makeEmail,
  makePdf,
  makeZip,
  plainJpeg,
  plainPng,
  withSegments,
  xmpSegment,
} from './fixtures.js';

const AI = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';
const WALLET = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';

interface FtmJson {
  id: string;
  schema: string;
  properties: Record<string, string[]>;
  statements: { prop: string; value: string }[];
  referencedBy: { entityId: string; schema: string; prop: string }[];
}

function writeCase(dir: string): string {
  const path = join(dir, 'case.ftm.json');
  const lines = [
    { id: 'case-petrov', schema: 'Person', properties: { name: ['Viktor Petrov'], nationality: ['ru'] } },
    { id: 'case-vessel', schema: 'Vessel', properties: { name: ['Sea Breeze'], imoNumber: ['9074729'] } },
    { id: 'case-wallet', schema: 'CryptoWallet', properties: { publicKey: [WALLET] } },
  ];
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n'));
  return path;
}

function writeEvidence(dir: string): string {
  const root = join(dir, 'evidence');
  mkdirSync(join(root, 'mail'), { recursive: true });
  mkdirSync(join(root, 'photos'), { recursive: true });
  writeFileSync(
    join(root, 'report.pdf'),
    makePdf([
      'Meeting with Viktor Petrov aboard IMO 9074729.',
      'Payment to IBAN GB82 WEST 1234 5698 7654 32.',
      'Copied to Boris Hiddenov.',
    ]),
  );
  writeFileSync(
    join(root, 'mail', 'msg.eml'),
    makeEmail('Please call +44 20 7946 0958 about the cargo.', {
      name: 'note.txt',
      type: 'text/plain',
      bytes: Buffer.from(`Send it to ${WALLET} today.`),
    }),
  );
  writeFileSync(
    join(root, 'bundle.zip'),
    makeZip([
      {
        name: 'pages/page.html',
        data: Buffer.from(
          '<html><head><title>Notice</title><script>var secret="do-not-index";</script></head><body><p>Signed by Viktor Petrov</p></body></html>',
        ),
      },
      { name: 'pages/readme.txt', data: Buffer.from('plain words only') },
    ]),
  );
  const xmp = xmpSegment(`Iptc4xmpExt:DigitalSourceType="${AI}" xmp:CreatorTool="Image Generator 2"`);
  writeFileSync(
    join(root, 'photos', 'ai.jpg'),
    withSegments(plainJpeg(64, 48, 1), [
      exifSegment({ make: 'Canon', model: 'Canon EOS R5', software: 'Editor 1.0' }),
      xmp,
    ]),
  );
  const store = c2paStore([
    {
      action: 'c2pa.created',
      softwareAgent: { name: 'Generator Model', version: '3' },
      digitalSourceType: AI,
    },
    { action: 'c2pa.edited', softwareAgent: 'Photo Editor 25' },
  ]);
  writeFileSync(
    join(root, 'photos', 'c2pa.jpg'),
    withSegments(plainJpeg(64, 48, 1, 70), jumbfSegments(store)),
  );
  writeFileSync(join(root, 'photos', 'stripped.jpg'), plainJpeg());
  writeFileSync(join(root, 'photos', 'stripped-copy.png'), plainPng());
  return root;
}

describe('nexus ingest --format files', () => {
  let home: string;
  let root: string;
  let first: Record<string, unknown>;
  const byName = new Map<string, FtmJson>();

  beforeAll(async () => {
    home = tempHome('nexus-evidence-');
    expect((await nexus(home, 'ingest', '--dataset', 'case', writeCase(home))).code).toBe(0);
    const secret = join(home, 'secret.ftm.json');
    writeFileSync(
      secret,
      JSON.stringify({ id: 'secret-boris', schema: 'Person', properties: { name: ['Boris Hiddenov'] } }),
    );
    expect(
      (await nexus(home, 'ingest', '--dataset', 'case-secret', '--marking', 'SECRET', secret)).code,
    ).toBe(0);
    root = writeEvidence(home);
    first = await nexusJson(
      home,
      'ingest',
      '--format',
      'files',
      '--dataset',
      'evidence',
      '--ocr',
      'off',
      root,
    );
    for (const schema of [
      'Pages',
      'Email',
      'PlainText',
      'HyperText',
      'Image',
      'Package',
      'Folder',
      'Mention',
    ]) {
      const page = await nexusJson<{ items: { id: string }[] }>(
        home,
        'list',
        '--schema',
        schema,
        '--dataset',
        'evidence',
        '--limit',
        '100',
      );
      for (const item of page.items) {
        const e = await nexusJson<FtmJson>(home, 'entity', item.id);
        byName.set(`${e.schema}:${e.properties.fileName?.[0] ?? e.properties.name?.[0] ?? e.id}`, e);
      }
    }
  }, 120_000);

  it('reads every file, inside archives and emails too', () => {
    expect(first.rejected).toBe(0);
    expect(first.documents).toBe(10);
    expect([...byName.keys()].filter((k) => !k.startsWith('Mention:')).sort()).toEqual([
      'Email:msg.eml',
      'Folder:evidence',
      'Folder:mail',
      'Folder:photos',
      'HyperText:page.html',
      'Image:ai.jpg',
      'Image:c2pa.jpg',
      'Image:stripped-copy.png',
      'Image:stripped.jpg',
      'Package:bundle.zip',
      'Pages:report.pdf',
      'PlainText:note.txt',
      'PlainText:readme.txt',
    ]);
  });

  it('keeps text, hashes, size and type by content', () => {
    const pdf = byName.get('Pages:report.pdf') as FtmJson;
    expect(pdf.properties.bodyText?.join(' ')).toContain('Viktor Petrov');
    expect(pdf.properties.mimeType).toEqual(['application/pdf']);
    expect(pdf.properties.sha256?.[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(pdf.properties.contentHash?.[0]).toMatch(/^[0-9a-f]{40}$/);
    expect(Number(pdf.properties.fileSize?.[0])).toBeGreaterThan(100);
    expect(pdf.properties.ibanMentioned).toEqual(['GB82WEST12345698765432']);
    const html = byName.get('HyperText:page.html') as FtmJson;
    expect(html.properties.bodyText?.join(' ')).toContain('Signed by Viktor Petrov');
    expect(JSON.stringify(html)).not.toContain('do-not-index');
    expect(html.properties.title).toEqual(['Notice']);
  });

  it('makes attachments and archive entries children of their email or archive', () => {
    const mail = byName.get('Email:msg.eml') as FtmJson;
    const note = byName.get('PlainText:note.txt') as FtmJson;
    const zip = byName.get('Package:bundle.zip') as FtmJson;
    expect(note.properties.parent).toEqual([mail.id]);
    expect((byName.get('HyperText:page.html') as FtmJson).properties.parent).toEqual([zip.id]);
    expect(mail.properties.subject).toEqual(['Shipment and payment']);
    expect(mail.properties.phoneMentioned).toEqual(['+442079460958']);
    expect(mail.properties.emailMentioned).toContain('anna@example.org');
    expect(mail.properties.parent).toEqual([(byName.get('Folder:mail') as FtmJson).id]);
  });

  it('links mentions to the stored entities they match, with the text span', async () => {
    const person = await nexusJson<FtmJson>(home, 'entity', 'case-petrov');
    const mentions = person.referencedBy.filter((r) => r.schema === 'Mention' && r.prop === 'resolved');
    expect(mentions.length).toBe(2); // the PDF and the HTML page
    const m = await nexusJson<FtmJson>(home, 'entity', mentions[0]?.entityId as string);
    expect(m.properties.textSpan?.[0]).toMatch(/^\d+-\d+$/);
    expect(Number(m.properties.matchScore?.[0])).toBeGreaterThanOrEqual(0.85);
    const vessel = await nexusJson<FtmJson>(home, 'entity', 'case-vessel');
    expect(vessel.referencedBy.some((r) => r.schema === 'Mention')).toBe(true);
    const wallet = await nexusJson<FtmJson>(home, 'entity', 'case-wallet');
    expect(wallet.referencedBy.some((r) => r.schema === 'Mention')).toBe(true);
  });

  it('joins documents to the graph through their mentions', async () => {
    const answer = await nexusJson<{ nodes: { id: string }[]; edges: { kind: string }[] }>(
      home,
      'expand',
      'case-petrov',
    );
    const pdf = byName.get('Pages:report.pdf') as FtmJson;
    expect(answer.nodes.map((n) => n.id)).toContain(pdf.id);
    expect(answer.edges.some((e) => e.kind === 'Mention')).toBe(true);
  });

  it('marks a mention at least as high as the entity it resolves to, and tells an OFFICIAL reader nothing of it', async () => {
    const boris = await nexusJson<FtmJson>(home, 'entity', 'secret-boris');
    const ref = boris.referencedBy.find((r) => r.schema === 'Mention');
    const mention = await nexusJson<FtmJson & { marking: string }>(home, 'entity', ref?.entityId as string);
    expect(mention.marking).toBe('SECRET');
    const pdf = byName.get('Pages:report.pdf') as FtmJson;
    expect(pdf.properties.namesMentioned).toEqual(['Viktor Petrov']);
    const seen = await nexus(home, '--clearance', 'OFFICIAL', 'entity', pdf.id, '--json');
    expect(seen.code).toBe(0);
    expect(seen.stdout).not.toContain('secret-boris');
    const hidden = await nexus(home, '--clearance', 'OFFICIAL', 'entity', ref?.entityId as string, '--json');
    expect(hidden.code).not.toBe(0);
  });

  it('records declared generative-AI origin and provenance on each image, verbatim', () => {
    const ai = byName.get('Image:ai.jpg') as FtmJson;
    expect(ai.statements.some((s) => s.prop === 'digitalSourceType' && s.value === AI)).toBe(true);
    expect(ai.properties.generativeAi?.[0]).toContain('IPTC/XMP');
    expect(ai.properties.captureDevice).toEqual(['Canon EOS R5']);
    expect(ai.properties.generator).toEqual(expect.arrayContaining(['Editor 1.0', 'Image Generator 2']));
    const c2pa = byName.get('Image:c2pa.jpg') as FtmJson;
    expect(c2pa.properties.digitalSourceType).toEqual([AI]);
    expect(c2pa.properties.generativeAi?.[0]).toContain('c2pa.created');
    expect(c2pa.properties.generativeAi?.[0]).toContain('Generator Model 3');
    expect(c2pa.properties.c2paSignature?.[0]).toMatch(/^present, not validated \(COSE_Sign1; ES256/);
    expect(c2pa.properties.editHistory).toEqual(
      expect.arrayContaining([expect.stringContaining('c2pa.edited by Photo Editor 25')]),
    );
    const stripped = byName.get('Image:stripped.jpg') as FtmJson;
    expect(stripped.properties.provenanceFlag?.[0]).toMatch(/^no EXIF, IPTC, XMP or C2PA metadata/);
    expect(stripped.properties.perceptualHash?.[0]).toMatch(/^dct:[0-9a-f]{16}$/);
  });

  it('reports near-duplicate images and links them', () => {
    const pairs = first.nearDuplicates as { a: string; b: string; distance: number }[];
    const a = (byName.get('Image:stripped.jpg') as FtmJson).id;
    const b = (byName.get('Image:stripped-copy.png') as FtmJson).id;
    expect(pairs.some((p) => [p.a, p.b].sort().join() === [a, b].sort().join())).toBe(true);
    const ai = (byName.get('Image:ai.jpg') as FtmJson).id;
    expect(pairs.some((p) => p.a === a && p.b === ai)).toBe(false);
  });

  it('adds nothing when run again', async () => {
    const again = await nexusJson<Record<string, number>>(
      home,
      'ingest',
      '--format',
      'files',
      '--dataset',
      'evidence',
      '--ocr',
      'off',
      root,
    );
    expect(again.statements).toBe(0);
    expect(again.entities).toBe(0);
    expect(again.accepted).toBe(0);
  }, 60_000);
});
