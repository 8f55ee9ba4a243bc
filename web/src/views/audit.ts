// The audit log, for the auditor role: who did what to which objects, when, why and under which request, newest
// first, filtered by user, action, category, request id and time, paged back with `next_before`; and a check of
// the hash chain that names the first record that does not fit. The filters live in the URL, like search's.
import { get, url } from '../api.js';
import { formatNumber, h, replace } from '../dom.js';
import { go, href } from '../router.js';
import { type AuditRecord, type ChainReport, readAuditPage, readChainReport } from '../types.js';
import { announce, empty, Frame, failure, loading } from '../ui.js';
import type { View } from './view.js';

export const AUDIT_PAGE_SIZE = 50;

/** The DPA 2018 s.62 categories, plus authentication and administration (src/audit/events.ts). */
export const AUDIT_CATEGORIES = [
  'collection',
  'alteration',
  'consultation',
  'disclosure',
  'combination',
  'erasure',
  'authentication',
  'administration',
] as const;

export const AUDIT_FILTERS = ['user', 'action', 'category', 'request_id', 'since'] as const;
export type AuditFilter = (typeof AUDIT_FILTERS)[number];

const MAX_FILTER = 200;

/**
 * A "since" as typed: a date (`2026-05-01`), a date and time (`2026-05-01 09:30`, seconds optional) taken as UTC,
 * or a full ISO time with `Z` or an offset. Undefined when empty (no filter), null when it is not a real time.
 */
export function sinceToIso(text: string): string | undefined | null {
  const t = text.trim();
  if (t === '') return undefined;
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i.exec(
      t,
    );
  if (!m) return null;
  const [y, mo, d, hh = '00', mi = '00', ss = '00', frac = ''] = m.slice(1, 8) as string[];
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  // No 30 February: the date must survive the round trip, and the time must be a time of day.
  if (
    day.getUTCFullYear() !== Number(y) ||
    day.getUTCMonth() !== Number(mo) - 1 ||
    day.getUTCDate() !== Number(d)
  )
    return null;
  if (Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59) return null;
  const zone = m[8];
  const offset =
    !zone || /^(z|utc)$/i.test(zone)
      ? 'Z'
      : zone.includes(':')
        ? zone
        : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const when = new Date(`${y}-${mo}-${d}T${hh}:${mi}:${ss}${frac ?? ''}${offset}`);
  return Number.isNaN(when.getTime()) ? null : when.toISOString();
}

export interface AuditState {
  filters: Partial<Record<AuditFilter, string>>;
  /** Show records with seq below this (a page further back). */
  before?: number;
  /** Filters from the address that were dropped, and why. */
  problems: string[];
}

/** The audit page's state from its address, each filter checked as the server checks it. */
export function auditState(params: URLSearchParams): AuditState {
  const filters: AuditState['filters'] = {};
  const problems: string[] = [];
  for (const name of AUDIT_FILTERS) {
    const raw = params.get(name)?.trim();
    if (!raw) continue;
    if (raw.length > MAX_FILTER) {
      problems.push(`${name} is longer than ${MAX_FILTER} characters`);
      continue;
    }
    if (name === 'category' && !(AUDIT_CATEGORIES as readonly string[]).includes(raw)) {
      problems.push(`category must be one of ${AUDIT_CATEGORIES.join(', ')}`);
      continue;
    }
    if (name === 'since') {
      const iso = sinceToIso(raw);
      if (!iso) {
        problems.push('since must be a date or a UTC date and time, e.g. 2026-05-01 09:30');
        continue;
      }
      filters.since = iso;
      continue;
    }
    filters[name] = raw;
  }
  const b = params.get('before');
  let before: number | undefined;
  if (b !== null && b !== '') {
    if (/^\d{1,15}$/.test(b) && Number(b) >= 1) before = Number(b);
    else problems.push('before must be a record number');
  }
  return { filters, before, problems };
}

/** The API call for a state. */
export function auditUrl(state: Pick<AuditState, 'filters' | 'before'>): string {
  return url('/api/audit', { ...state.filters, before: state.before, limit: AUDIT_PAGE_SIZE });
}

/** `2026-05-01 09:30:12` from an ISO time (the column says UTC); anything unreadable is shown as it came. */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  if (iso === '' || Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** How a chain report reads, in one line. */
export function chainSummary(r: ChainReport): string {
  if (r.ok)
    return `Chain intact: ${formatNumber(r.records)} ${r.records === 1 ? 'record' : 'records'} check out${
      r.records > 0 ? `, up to record ${formatNumber(r.lastSeq)}` : ''
    }.`;
  const broken = r.broken ?? { seq: r.lastSeq + 1, reason: 'the server did not say' };
  return `Chain broken at record ${formatNumber(broken.seq)}: ${broken.reason}. The ${formatNumber(r.records)} ${
    r.records === 1 ? 'record' : 'records'
  } before it check out.`;
}

function auditHref(filters: AuditState['filters'], extra: Record<string, string | number | undefined> = {}) {
  return href(['audit'], { ...filters, ...extra });
}

const OBJECTS_SHOWN = 4;

function objectsCell(objects: string[]): HTMLElement {
  if (objects.length === 0) return h('td', { class: 'muted' }, '-');
  const item = (o: string) => h('li', null, h('code', null, o));
  const rest = objects.slice(OBJECTS_SHOWN);
  return h(
    'td',
    { class: 'audit-objects' },
    h('ul', { class: 'plain-list' }, objects.slice(0, OBJECTS_SHOWN).map(item)),
    rest.length > 0
      ? h(
          'details',
          null,
          h('summary', null, `${formatNumber(rest.length)} more`),
          h('ul', { class: 'plain-list' }, rest.map(item)),
        )
      : null,
  );
}

function recordRow(r: AuditRecord, filters: AuditState['filters']): HTMLElement {
  const filterLink = (name: AuditFilter, value: string, title: string) =>
    value
      ? h('a', { href: auditHref({ ...filters, [name]: value }), title, class: 'filter-link' }, value)
      : h('span', { class: 'muted' }, '-');
  return h(
    'tr',
    { 'data-seq': r.seq, 'data-user': r.user, 'data-action': r.action, 'data-outcome': r.outcome },
    h('td', { class: 'num' }, String(r.seq)),
    h('td', { class: 'audit-time' }, h('time', { datetime: r.at, title: r.at }, formatUtc(r.at))),
    h('td', null, filterLink('user', r.user, 'Only this user\u2019s records')),
    h(
      'td',
      null,
      filterLink('action', r.action, 'Only this action'),
      r.detail.length > 0
        ? h(
            'div',
            { class: 'audit-detail small muted' },
            r.detail.map(([k, v], i) => [i > 0 ? '; ' : '', `${k}: ${v}`]),
          )
        : null,
    ),
    h('td', null, r.category),
    h(
      'td',
      null,
      h(
        'span',
        { class: `outcome ${r.outcome === 'ok' ? 'outcome-ok' : 'outcome-refused'}` },
        r.outcome || '-',
      ),
    ),
    objectsCell(r.objects),
    h('td', { class: 'audit-purpose' }, r.purpose),
    h(
      'td',
      { class: 'audit-request' },
      r.requestId ? filterLink('request_id', r.requestId, 'Only this request') : '-',
    ),
  );
}

function recordTable(records: AuditRecord[], filters: AuditState['filters']): HTMLElement {
  const col = (text: string, cls?: string) => h('th', { scope: 'col', class: cls ?? null }, text);
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'table compact audit-table' },
      h('caption', { class: 'visually-hidden' }, 'Audit records, newest first'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          col('Seq', 'num'),
          col('Time (UTC)'),
          col('User'),
          col('Action'),
          col('Category'),
          col('Outcome'),
          col('Objects'),
          col('Purpose'),
          col('Request id'),
        ),
      ),
      h(
        'tbody',
        null,
        records.map((r) => recordRow(r, filters)),
      ),
    ),
  );
}

function filterForm(state: AuditState): HTMLFormElement {
  const f = state.filters;
  const text = (name: AuditFilter, label: string, extra: Record<string, string> = {}) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `audit-${name}` }, label),
      h('input', {
        id: `audit-${name}`,
        name,
        value: f[name] ?? '',
        maxlength: MAX_FILTER,
        autocomplete: 'off',
        spellcheck: 'false',
        ...extra,
      }),
    );
  const sinceError = h('p', { id: 'audit-since-error', class: 'field-error form-error', hidden: true });
  const category = h(
    'select',
    { id: 'audit-category', name: 'category' },
    h('option', { value: '' }, 'any'),
    AUDIT_CATEGORIES.map((c) => h('option', { value: c, selected: f.category === c }, c)),
  );
  const form = h(
    'form',
    { class: 'audit-filters', 'aria-label': 'Filter the audit log' },
    text('user', 'User'),
    text('action', 'Action', { placeholder: 'e.g. entity.read' }),
    h('div', { class: 'field' }, h('label', { for: 'audit-category' }, 'Category'), category),
    text('request_id', 'Request id'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'audit-since' }, 'Since (UTC)'),
      h('input', {
        id: 'audit-since',
        name: 'since',
        value: f.since ? formatUtc(f.since) : '',
        placeholder: '2026-05-01 09:30',
        autocomplete: 'off',
        spellcheck: 'false',
        'aria-describedby': 'audit-since-error',
      }),
      sinceError,
    ),
    h(
      'div',
      { class: 'audit-filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Filter'),
      h('a', { class: 'btn', href: '#/audit' }, 'Clear'),
    ),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    const sinceInput = form.querySelector<HTMLInputElement>('#audit-since');
    const since = sinceToIso(value('since'));
    if (since === null) {
      sinceError.hidden = false;
      replace(sinceError, 'A date, or a UTC date and time such as 2026-05-01 09:30.');
      sinceInput?.setAttribute('aria-invalid', 'true');
      sinceInput?.focus();
      return;
    }
    // A new filter starts again from the newest record.
    go(['audit'], {
      user: value('user'),
      action: value('action'),
      category: value('category'),
      request_id: value('request_id'),
      since,
    });
  });
  return form;
}

function chainResult(r: ChainReport): HTMLElement {
  if (r.ok)
    return h(
      'div',
      { class: 'verify-result verify-ok', 'data-ok': 'true', role: 'status' },
      h('p', { class: 'verify-summary' }, chainSummary(r)),
      r.records > 0
        ? h(
            'p',
            null,
            'Head hash ',
            h('code', { class: 'hash' }, r.head),
            h(
              'span',
              { class: 'muted small' },
              ' Keep it somewhere else: a later check that does not reach it means records were cut off the end.',
            ),
          )
        : null,
    );
  const seq = r.broken?.seq ?? r.lastSeq + 1;
  return h(
    'div',
    { class: 'verify-result verify-broken', 'data-ok': 'false', role: 'alert' },
    h('p', { class: 'verify-summary' }, chainSummary(r)),
    h('p', null, 'Last good hash ', h('code', { class: 'hash' }, r.head || '-')),
    h(
      'p',
      null,
      h('a', { href: auditHref({}, { before: seq + 1 }) }, `Show the records from ${formatNumber(seq)} back`),
    ),
  );
}

export const auditView: View = (ctx) => {
  const state = auditState(ctx.params);
  const frame = new Frame('Audit log');
  const results = h('div', { class: 'audit-results' }, loading('Reading the audit log...'));
  const verifyBox = h('div', { class: 'verify-box', 'aria-live': 'polite' });
  const verifyButton = h('button', { type: 'button', class: 'btn', id: 'audit-verify' }, 'Verify chain');
  const filtered = Object.keys(state.filters).length > 0;

  verifyButton.addEventListener('click', async () => {
    verifyButton.disabled = true;
    replace(verifyBox, loading('Walking the hash chain...'));
    try {
      const report = readChainReport(await get('/api/audit/verify', { signal: ctx.signal }));
      if (ctx.signal.aborted) return;
      replace(verifyBox, chainResult(report));
      announce(report.ok ? 'Audit chain intact' : 'Audit chain broken');
    } catch (err) {
      if (!ctx.signal.aborted)
        replace(
          verifyBox,
          failure(err, () => verifyButton.click()),
        );
    } finally {
      verifyButton.disabled = false;
    }
  });

  replace(
    frame.body,
    h(
      'p',
      { class: 'muted' },
      'Every consultation, change, disclosure, erasure and sign-in, newest first. Reading this log is itself recorded.',
    ),
    h(
      'section',
      { class: 'verify', 'aria-labelledby': 'verify-title' },
      h('h2', { id: 'verify-title' }, 'Hash chain'),
      h(
        'p',
        { class: 'muted small' },
        'Each record\u2019s hash covers the one before it: an edited, deleted, inserted or reordered record breaks ',
        'the chain exactly there.',
      ),
      verifyButton,
      verifyBox,
    ),
    h('h2', null, 'Records'),
    filterForm(state),
    state.problems.length > 0
      ? h(
          'div',
          { class: 'state state-error', role: 'alert' },
          h('p', null, h('strong', null, 'Some filters were left out: '), state.problems.join('; '), '.'),
        )
      : null,
    results,
  );

  const load = async (): Promise<void> => {
    replace(results, loading('Reading the audit log...'));
    try {
      const page = readAuditPage(await get(auditUrl(state), { signal: ctx.signal }));
      if (ctx.signal.aborted) return;
      if (page.records.length === 0) {
        replace(
          results,
          empty(
            state.before !== undefined
              ? 'No older records.'
              : filtered
                ? 'No record matches these filters.'
                : 'The audit log is empty.',
            filtered || state.before !== undefined
              ? h('a', { href: '#/audit' }, 'Show the newest records without filters')
              : null,
          ),
        );
        return;
      }
      const first = page.records[0] as AuditRecord;
      const last = page.records[page.records.length - 1] as AuditRecord;
      const pager = h(
        'nav',
        { class: 'pager', 'aria-label': 'Audit pages' },
        state.before !== undefined
          ? h('a', { class: 'btn', href: auditHref(state.filters), id: 'audit-newest' }, 'Newest')
          : null,
        h(
          'span',
          { class: 'muted' },
          `Records ${formatNumber(first.seq)} to ${formatNumber(last.seq)}${filtered ? ' (filtered)' : ''}`,
        ),
        page.nextBefore !== null
          ? h(
              'a',
              {
                class: 'btn',
                href: auditHref(state.filters, { before: page.nextBefore }),
                id: 'audit-older',
              },
              'Older',
            )
          : h('span', { class: 'muted small' }, 'No older records.'),
      );
      replace(
        results,
        h(
          'p',
          { class: 'result-count', role: 'status' },
          `${formatNumber(page.records.length)} ${page.records.length === 1 ? 'record' : 'records'}`,
        ),
        recordTable(page.records, state.filters),
        pager,
      );
    } catch (err) {
      if (!ctx.signal.aborted)
        replace(
          results,
          failure(err, () => void load()),
        );
    }
  };
  void load();
  return frame.root;
};
