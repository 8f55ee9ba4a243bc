// `nexus assess`: the strategic assessment from the store (judgements, priorities, claims tested) as HTML, JSON or
// PDF, and the analyst's edit and sign-off of a judgement.
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { disclosureTerms, withCeiling } from '../../access/index.js';
import {
  assessmentJson,
  buildAssessment,
  editJudgement,
  hasConditional,
  loadSignoffs,
  renderHtml,
  signJudgement,
} from '../../assess/index.js';
import { NexusError } from '../../model/index.js';
import { type CommandEnv, json, withStore } from '../io.js';

export const CHROMIUM = '/usr/bin/chromium';

export const assessHelp = `nexus assess [--year Y] [--out report.html] [--pdf report.pdf] [--json] [--ceiling MARKING] [--as-of DATE]
             [--recipient R --conditions TEXT]
nexus assess judgement edit ID --text TEXT
nexus assess judgement sign ID

The strategic assessment from what you may see: key judgements (probability on the UK yardstick, confidence,
evidence with grading and marking), MoRiLE-style priorities per threat area, the source assessment's claims tested
against the data, sources and method, with the highest marking of anything included at the top and bottom.
  --year Y          only data up to year Y
  --out FILE        write the self-contained HTML report (inline CSS and SVG)
  --pdf FILE        print the report to PDF with Chromium (${CHROMIUM}, through playwright-core)
  --json            the same content as data: {marking, judgements, series, claims, areas, states, ...}
  --ceiling M       leave out anything marked above M (e.g. OFFICIAL)
  --as-of DATE      the date printed on the report (none by default, so the same data gives the same bytes)
  --recipient R, --conditions TEXT   needed when evidence carries handling code C (docs/access.md)
  judgement edit    replace a judgement's text (the generated text is kept beside it; a signature lapses)
  judgement sign    sign a judgement off as the current user
Edits and sign-offs are kept in HOME/assess/judgements.json and audited. See docs/assess.md.`;

async function judgementCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      text: { type: 'string' },
      'as-of': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [action, id, ...extra] = positionals;
  if ((action !== 'edit' && action !== 'sign') || id === undefined || extra.length)
    throw new NexusError('USAGE_INVALID', 'assess judgement: use `edit ID --text TEXT` or `sign ID`');
  if (action === 'edit' && values.text === undefined)
    throw new NexusError('USAGE_INVALID', 'assess judgement edit: give --text');
  return withStore(c, async (store) => {
    const a = await buildAssessment(store, c.ctx, { signoffs: loadSignoffs(c.home) });
    const j = a.judgements.find((x) => x.id === id);
    if (!j)
      throw new NexusError(
        'ENTITY_NOT_FOUND',
        `assess judgement: no judgement "${id}" (known: ${a.judgements.map((x) => x.id).join(', ') || 'none'})`,
      );
    const at = values['as-of'] ?? new Date().toISOString();
    const s =
      action === 'edit'
        ? editJudgement(c.home, j, values.text as string, c.ctx.user, at)
        : signJudgement(c.home, j, c.ctx.user, at);
    await store.audit(c.ctx, [
      {
        action: `assess.judgement.${action}`,
        category: 'alteration',
        objects: [id],
        detail: { marking: j.marking, edited: s.text !== undefined, signed: s.signed_by !== undefined },
      },
    ]);
    if (values.json) c.io.stdout(json({ id, ...s }));
    else
      c.io.stdout(`${id}: ${action === 'edit' ? 'text edited' : 'signed off'} by ${c.ctx.user} at ${at}\n`);
    return 0;
  });
}

async function printPdf(html: string, file: string): Promise<void> {
  if (!existsSync(CHROMIUM))
    throw new NexusError(
      'USAGE_INVALID',
      `assess --pdf: no browser at ${CHROMIUM}; install Debian's chromium (apt-get install chromium) or use --out for HTML`,
    );
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({
      path: file,
      format: 'A4',
      printBackground: true,
      margin: { top: '12mm', bottom: '12mm' },
    });
  } finally {
    await browser.close();
  }
}

export async function assessCommand(args: string[], c: CommandEnv): Promise<number> {
  if (args[0] === 'judgement') return judgementCommand(args.slice(1), c);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      year: { type: 'string' },
      out: { type: 'string' },
      pdf: { type: 'string' },
      json: { type: 'boolean', default: false },
      ceiling: { type: 'string' },
      'as-of': { type: 'string' },
      recipient: { type: 'string' },
      conditions: { type: 'string' },
    },
  });
  if (positionals.length)
    throw new NexusError('USAGE_INVALID', `assess: unexpected "${positionals[0]}" (see nexus assess --help)`);
  let year: number | undefined;
  if (values.year !== undefined) {
    year = Number(values.year);
    if (!/^\d{4}$/.test(values.year))
      throw new NexusError('USAGE_INVALID', 'assess: --year is a four-digit year');
  }
  const ctx = withCeiling(c.ctx, values.ceiling);
  return withStore(c, async (store) => {
    const a = await buildAssessment(store, ctx, {
      ...(year === undefined ? {} : { year }),
      ...(values['as-of'] === undefined ? {} : { asOf: values['as-of'] }),
      ...(values.ceiling === undefined ? {} : { ceiling: values.ceiling }),
      signoffs: loadSignoffs(c.home),
    });
    const conditional = hasConditional(a);
    const leaves = values.out !== undefined || values.pdf !== undefined;
    const terms = leaves
      ? disclosureTerms(conditional, { recipient: values.recipient, conditions: values.conditions }, 'assess')
      : undefined;
    const html = leaves ? renderHtml(a, terms) : '';
    if (values.out !== undefined) writeFileSync(values.out, html);
    if (values.pdf !== undefined) await printPdf(html, values.pdf);
    if (values.json) {
      c.io.stdout(json(assessmentJson(a)));
      return 0;
    }
    const lines = [`marking: ${a.marking}`];
    if (values.out !== undefined) lines.push(`report: ${values.out}`);
    if (values.pdf !== undefined) lines.push(`pdf: ${values.pdf}`);
    lines.push('', 'key judgements:');
    for (const j of a.judgements)
      lines.push(`  ${j.id} [${j.yardstick}, ${j.confidence} confidence, ${j.status}] ${j.text}`);
    lines.push('', 'priorities:');
    for (const x of [...a.areas].sort((p, q) => q.score.total - p.score.total || (p.id < q.id ? -1 : 1)))
      lines.push(`  ${String(x.score.total).padStart(6)}  ${x.score.band.padEnd(9)} ${x.label}`);
    lines.push('', 'claims:');
    for (const x of a.claims) lines.push(`  ${x.verdict.padEnd(10)} ${x.claim}`);
    c.io.stdout(`${lines.join('\n')}\n`);
    return 0;
  });
}
