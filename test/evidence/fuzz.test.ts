// R15 for the evidence readers: mutated PDFs, emails, archives, Office files and images (flipped bytes, cuts,
// repeated runs) are read in bounded time, and the only failures allowed are typed refusals (EvidenceRefusal).
import { describe, expect, it } from 'vitest';
import { extract } from '../../src/evidence/extract.js';
import { DEFAULT_EVIDENCE_LIMITS, EvidenceRefusal } from '../../src/evidence/index.js';
import { Random } from '../../src/model/index.js';
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

const ITERATIONS = Number(process.env.NEXUS_FUZZ_ITERATIONS ?? 40);

function mutate(seed: Buffer, rnd: Random): Buffer {
  const b = Buffer.from(seed);
  switch (rnd.int(0, 3)) {
    case 0:
      for (let i = 0; i < 1 + rnd.int(0, 8); i++) b[rnd.int(0, b.length - 1)] = rnd.int(0, 255);
      return b;
    case 1:
      return b.subarray(0, rnd.int(0, b.length));
    case 2: {
      const at = rnd.int(0, b.length - 1);
      const run = b.subarray(at, Math.min(b.length, at + rnd.int(1, 64)));
      return Buffer.concat([b.subarray(0, at), run, run, run, b.subarray(at)]);
    }
    default: {
      // Lengths and counts are where parsers go wrong: set a 32-bit word to an extreme.
      const at = rnd.int(0, Math.max(0, b.length - 4));
      if (b.length >= 4) b.writeUInt32BE([0, 0xffffffff, 0x7fffffff, 1][rnd.int(0, 3)] as number, at);
      return b;
    }
  }
}

const SEEDS: Record<string, Buffer> = {
  pdf: makePdf(['Viktor Petrov', 'IBAN GB82 WEST 1234 5698 7654 32']),
  email: makeEmail('body text', { name: 'a.txt', type: 'text/plain', bytes: Buffer.from('attached') }),
  zip: makeZip([
    { name: 'a.txt', data: Buffer.from('alpha') },
    { name: 'b/c.html', data: Buffer.from('<p>beta</p>') },
  ]),
  docx: makeZip([
    { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
    {
      name: 'word/document.xml',
      data: Buffer.from('<w:document><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>'),
    },
  ]),
  jpeg: withSegments(plainJpeg(32, 24), [
    exifSegment({ make: 'Canon', model: 'EOS' }),
    xmpSegment('Iptc4xmpExt:DigitalSourceType="trainedAlgorithmicMedia"'),
    ...jumbfSegments(c2paStore([{ action: 'c2pa.created' }]), 120),
  ]),
  png: plainPng(32, 24),
  html: Buffer.from('<html><title>t</title><script>x()</script><body>text &amp; more</body></html>'),
};

describe('evidence readers under hostile input', () => {
  for (const [name, seed] of Object.entries(SEEDS))
    it(`${name}: ${ITERATIONS} mutations, typed refusals only`, async () => {
      const rnd = new Random(0x5eed + name.length);
      const limits = { ...DEFAULT_EVIDENCE_LIMITS, maxPixels: 4_000_000, maxTextChars: 100_000 };
      for (let i = 0; i < ITERATIONS; i++) {
        const input = mutate(seed, rnd);
        const started = performance.now();
        try {
          await extract(input, { limits, ocr: false, budget: limits.maxUncompressedBytes });
        } catch (err) {
          if (!(err instanceof EvidenceRefusal))
            throw new Error(`${name} mutation ${i}: untyped failure ${(err as Error)?.stack ?? err}`);
        }
        expect(performance.now() - started).toBeLessThan(10_000);
      }
    }, 120_000);
});
