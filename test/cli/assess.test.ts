// `nexus assess` on the fictional demo: the report's marking is the highest of what it includes (SECRET from the
// state-linked strand), a ceiling leaves that out, the same store gives byte-identical output, and an analyst's edit
// and sign-off are kept apart from the generated text.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nexus, nexusJson, tempHome } from './helpers.js';

interface Report {
  marking: string;
  judgements: {
    id: string;
    text: string;
    generated_text: string;
    status: string;
    probability: number;
    yardstick: string;
    confidence: string;
    edited_by?: string;
    signed_by?: string;
    evidence: { kind: string; ref: string; marking: string; grading: string[] }[];
  }[];
  series: unknown[];
  claims: { id: string; claim: string; verdict: string; evidence: unknown[] }[];
  areas: { id: string; entities: number; score: { total: number } }[];
  states: { code: string; seeds: number; proxies: number; wallets: number }[];
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('nexus assess on the demo', () => {
  const home = tempHome('nexus-assess-');
  beforeAll(async () => {
    const run = await nexus(home, 'demo', '--no-real', '--json');
    expect(run.code, run.stderr).toBe(0);
  }, 120_000);

  it('reports SECRET when SECRET evidence is in it, and OFFICIAL with no SECRET value under --ceiling OFFICIAL', async () => {
    const full = await nexusJson<Report>(home, 'assess');
    expect(full.marking).toBe('SECRET SENSITIVE');
    const ru = full.states.find((s) => s.code === 'ru');
    expect(ru?.seeds).toBeGreaterThan(0);
    expect(ru?.proxies).toBeGreaterThan(0);
    expect(full.judgements.some((j) => j.evidence.some((e) => e.marking.startsWith('SECRET')))).toBe(true);
    const capped = await nexus(home, 'assess', '--ceiling', 'OFFICIAL', '--json');
    expect(capped.code, capped.stderr).toBe(0);
    const c = JSON.parse(capped.stdout) as Report;
    expect(c.marking).toBe('OFFICIAL');
    expect(capped.stdout).not.toContain('SECRET');
    expect(capped.stdout).not.toMatch(/Veselov|Volga Maritime|Uncle Sasha/);
    const out = join(home, 'capped.html');
    expect((await nexus(home, 'assess', '--ceiling', 'OFFICIAL', '--out', out)).code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/SECRET|Veselov|Volga Maritime/);
    expect(html.match(/<div class="banner official">OFFICIAL<\/div>/g)?.length).toBe(2);
  });

  it('gives byte-identical HTML and JSON for the same store', async () => {
    const a = join(home, 'a.html');
    const b = join(home, 'b.html');
    expect((await nexus(home, 'assess', '--out', a)).code).toBe(0);
    expect((await nexus(home, 'assess', '--out', b)).code).toBe(0);
    expect(sha(a)).toBe(sha(b));
    const html = readFileSync(a, 'utf8');
    expect(html.match(/<div class="banner secret">SECRET SENSITIVE<\/div>/g)?.length).toBe(2);
    expect(html).toContain('<section id="judgements">');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const j1 = (await nexus(home, 'assess', '--json')).stdout;
    const j2 = (await nexus(home, 'assess', '--json')).stdout;
    expect(j1).toBe(j2);
  });

  it('keeps an edit beside the generated text and signs it off, audited', async () => {
    const before = await nexusJson<Report>(home, 'assess');
    const j = before.judgements[0];
    expect(j?.status).toBe('generated');
    const id = j?.id as string;
    const edit = await nexus(
      home,
      'assess',
      'judgement',
      'edit',
      id,
      '--text',
      'Analyst wording of the judgement.',
      '--as-of',
      '2026-01-05T10:00:00Z',
    );
    expect(edit.code, edit.stderr).toBe(0);
    const sign = await nexus(
      home,
      '--user',
      'chief',
      'assess',
      'judgement',
      'sign',
      id,
      '--as-of',
      '2026-01-06T09:00:00Z',
    );
    expect(sign.code, sign.stderr).toBe(0);
    const after = await nexusJson<Report>(home, 'assess');
    const k = after.judgements.find((x) => x.id === id);
    expect(k).toMatchObject({
      text: 'Analyst wording of the judgement.',
      status: 'signed',
      signed_by: 'chief',
    });
    expect(k?.generated_text).toBe(j?.text);
    // An OFFICIAL reader who cannot see the evidence the editor saw gets the generated text, not the edit.
    const low = await nexusJson<Report>(home, '--clearance', 'OFFICIAL', 'assess');
    expect(JSON.stringify(low)).not.toContain('Analyst wording');
    const audit = await nexusJson<{ records: { action: string; objects: string[] }[] }>(
      home,
      'audit',
      'list',
      '--action',
      'assess.judgement.sign',
    );
    expect(JSON.stringify(audit)).toContain(id);
    expect((await nexus(home, 'assess', 'judgement', 'sign', 'KJ-none-1')).code).toBe(1);
  });
});
