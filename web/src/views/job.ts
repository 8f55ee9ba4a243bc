// A background job (`#/jobs/{id}`): its state and live progress from the server-sent events of
// /api/jobs/{id}/events (EventSource sends the session cookie, same origin), a cancel button, the first rejected
// records, and when done the summary with a way to the dataset's entities. `#/jobs` lists the caller's jobs, and
// jobsPanel() is the same list for the dashboard, polled while any job is running.
import { describeError, get, post } from '../api.js';
import { formatNumber, h, replace } from '../dom.js';
import { describeGrading } from '../grading.js';
import { formatBytes, formatDuration, percentDone, STATE_LABEL } from '../jobs.js';
import { href } from '../router.js';
import { refreshDatasets } from '../session.js';
import { isFinished, type Job, type JobProgress, readJob, readJobs, readProgress } from '../types.js';
import { announce, empty, Frame, failure, loading, markingBadge } from '../ui.js';
import type { View, ViewContext } from './view.js';

const POLL_MS = 2000;
/** The job view fetches the job again (for its rejects) at most this often while it runs. */
const REFETCH_MS = 2000;

export function jobHref(id: string): string {
  return href(['jobs', id]);
}

export function stateBadge(job: Job): HTMLElement {
  const stopping = job.cancelRequested && !isFinished(job.state);
  return h(
    'span',
    { class: `job-state job-state-${job.state}`, 'data-state': job.state },
    STATE_LABEL[job.state],
    stopping ? ' (stopping)' : '',
  );
}

/** A native progress bar (no inline style needed under the CSP); indeterminate while the size is unknown. */
export function progressBar(job: Job, label: string): HTMLElement {
  const pct = percentDone(job.progress, job.state);
  return h('progress', {
    class: 'job-progress',
    max: 100,
    value: pct,
    'aria-label': label,
    'aria-valuetext': pct === undefined ? 'starting' : `${pct}%`,
  });
}

function when(iso: string | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}

function pair(term: string, ...value: (Node | string)[]): HTMLElement[] {
  return [h('dt', null, term), h('dd', null, ...value)];
}

function progressBlock(job: Job): HTMLElement {
  const p: JobProgress | null = job.progress;
  if (job.state === 'queued')
    return h(
      'div',
      { class: 'job-live' },
      progressBar(job, 'Bytes read'),
      h('p', { class: 'muted' }, 'Waiting for a free runner; the job starts when one is free.'),
    );
  const pct = percentDone(p, job.state);
  const total = p?.totalBytes || job.params.bytes;
  const accepted = p ? Math.max(0, p.records - p.rejected) : 0;
  return h(
    'div',
    { class: 'job-live' },
    progressBar(job, 'Bytes read'),
    h(
      'p',
      { class: 'job-bytes' },
      p
        ? `${formatBytes(p.bytes)} of ${formatBytes(total)} read${pct === undefined ? '' : ` (${pct}%)`}`
        : 'Starting...',
    ),
    p
      ? h(
          'dl',
          { class: 'job-counts' },
          pair('Records accepted', h('span', { 'data-count': 'accepted' }, formatNumber(accepted))),
          pair('Records rejected', h('span', { 'data-count': 'rejected' }, formatNumber(p.rejected))),
          pair('New entities', formatNumber(p.entities)),
          pair('Statements', formatNumber(p.statements)),
          pair('Rate', `${formatNumber(p.recordsPerSec)} records/s`),
          pair(
            'Time left',
            isFinished(job.state)
              ? '-'
              : p.etaSeconds === null
                ? 'estimating...'
                : formatDuration(p.etaSeconds),
          ),
          pair('Elapsed', formatDuration(p.elapsedMs / 1000)),
        )
      : null,
  );
}

function paramsBlock(job: Job): HTMLElement {
  const p = job.params;
  return h(
    'dl',
    { class: 'job-params' },
    pair('Dataset', h('strong', null, job.dataset)),
    pair(
      'File',
      p.file,
      p.bytes === undefined ? '' : ` (${formatBytes(p.bytes)}${p.type ? `, ${p.type}` : ''})`,
    ),
    pair('Format', p.format ?? '-'),
    pair('Marking', p.marking ? markingBadge(p.marking) : '-'),
    pair(
      'Grading',
      p.grading
        ? h('span', { class: 'grading', title: describeGrading(p.grading) }, p.grading)
        : 'not graded',
    ),
    pair('Queued', when(job.createdAt)),
    pair('Started', when(job.startedAt)),
    pair('Finished', when(job.finishedAt)),
  );
}

function summaryBlock(job: Job): HTMLElement | null {
  const s = job.summary;
  if (job.state === 'failed')
    return h(
      'div',
      { class: 'state state-error job-error', role: 'alert' },
      h(
        'p',
        null,
        h('strong', null, 'The job failed: '),
        h('code', { class: 'error-code' }, job.error?.code ?? 'INTERNAL'),
      ),
      h('p', null, job.error?.message || 'No reason given.'),
      h(
        'p',
        null,
        'Records committed before the failure stay in the store; uploading the file again adds no duplicates.',
      ),
    );
  if (job.state === 'cancelled' && !s)
    return h(
      'div',
      { class: 'state state-empty', role: 'status' },
      h('p', null, 'Cancelled before it started: nothing was read.'),
    );
  if (!s) return null;
  const rows: [string, number | string][] = [
    ['Records accepted', s.accepted],
    ['Records rejected', s.rejected],
    ['Values rejected inside accepted records', s.invalidValues],
    ['Records already in the store', s.duplicates],
    ['New entities', s.entities],
    ['New statements', s.statements],
    ['Time taken', formatDuration(s.elapsedMs / 1000)],
  ];
  if (s.resumedFrom > 0) rows.push(['Resumed after items', s.resumedFrom]);
  return h(
    'section',
    { class: 'job-summary', 'aria-labelledby': 'job-summary-title' },
    h(
      'h2',
      { id: 'job-summary-title' },
      job.state === 'cancelled' ? 'Cancelled: what was committed' : 'Summary',
    ),
    job.state === 'cancelled'
      ? h('p', { class: 'muted' }, 'Batches committed before the cancel stay in the store.')
      : null,
    h(
      'table',
      { class: 'table compact summary-table' },
      h(
        'tbody',
        null,
        rows.map(([k, v]) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, k),
            h('td', { class: 'num' }, typeof v === 'number' ? formatNumber(v) : v),
          ),
        ),
      ),
    ),
    h(
      'ul',
      { class: 'links' },
      h(
        'li',
        null,
        h(
          'a',
          { href: href(['search'], { dataset: job.dataset }), class: 'dataset-link' },
          `Search the entities of ${job.dataset}`,
        ),
      ),
      h('li', null, h('a', { href: '#/upload' }, 'Upload another file')),
      h('li', null, h('a', { href: '#/' }, 'Back to the dashboard')),
    ),
  );
}

function rejectsBlock(job: Job): HTMLElement | null {
  if (job.rejects.length === 0) return null;
  // Rejected records and values rejected inside accepted records both land here.
  const total = job.summary
    ? job.summary.rejected + job.summary.invalidValues
    : (job.progress?.rejected ?? 0);
  const running = !isFinished(job.state);
  return h(
    'section',
    { class: 'job-rejects', 'aria-labelledby': 'job-rejects-title' },
    h('h2', { id: 'job-rejects-title' }, 'Rejected records and values'),
    h(
      'p',
      { class: 'muted small' },
      total > job.rejects.length
        ? `The first ${formatNumber(job.rejects.length)} of ${formatNumber(total)}${running ? ' so far' : ''}.`
        : running
          ? `${formatNumber(job.rejects.length)} so far.`
          : `${formatNumber(job.rejects.length)} in all.`,
    ),
    h(
      'table',
      { class: 'table compact rejects' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'File'),
          h('th', { scope: 'col', class: 'num' }, 'Line'),
          h('th', { scope: 'col' }, 'Field'),
          h('th', { scope: 'col' }, 'Code'),
          h('th', { scope: 'col' }, 'Reason'),
        ),
      ),
      h(
        'tbody',
        null,
        job.rejects.map((r) =>
          h(
            'tr',
            { 'data-code': r.code },
            h('td', { class: 'origin' }, r.file),
            h('td', { class: 'num' }, r.line === undefined ? '' : formatNumber(r.line)),
            h('td', null, r.field ?? ''),
            h('td', null, h('code', null, r.code)),
            h(
              'td',
              { class: 'reason' },
              r.reason,
              r.record ? h('div', { class: 'muted small' }, r.record) : null,
            ),
          ),
        ),
      ),
    ),
  );
}

function parse(data: unknown): unknown {
  if (typeof data !== 'string') return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

function oneJobView(ctx: ViewContext, id: string): HTMLElement {
  const frame = new Frame('Ingest job');
  const head = h('div', { class: 'job-head' });
  const live = h('div', { class: 'job-progress-box', 'aria-live': 'off' });
  const result = h('div', { class: 'job-result' });
  const rejects = h('div');
  const params = h('div');
  const cancelError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const cancel = h('button', { type: 'button', class: 'btn', id: 'job-cancel', hidden: true }, 'Cancel job');
  replace(frame.body, loading('Loading the job...'));

  let job: Job | undefined;
  let source: EventSource | undefined;
  let timer: number | undefined;
  let lastFetch = 0;
  let fetching = false;
  let datasetsRefreshed = false;
  /** A cancel request is on its way (progress events must not re-enable the button meanwhile). */
  let cancelling = false;

  const stopLive = () => {
    source?.close();
    source = undefined;
    if (timer !== undefined) window.clearTimeout(timer);
    timer = undefined;
  };
  ctx.onLeave(stopLive);
  ctx.signal.addEventListener('abort', stopLive);

  const render = () => {
    if (!job) return;
    const j = job;
    frame.setMarking('job', j.params.marking);
    replace(
      head,
      stateBadge(j),
      h('span', { class: 'job-title' }, ' ', j.params.file, ' into ', h('strong', null, j.dataset)),
    );
    replace(live, progressBlock(j));
    cancel.hidden = isFinished(j.state);
    cancel.disabled = j.cancelRequested || cancelling;
    replace(
      cancel,
      j.cancelRequested
        ? 'Stopping after the current batch...'
        : cancelling
          ? 'Asking the server to cancel...'
          : 'Cancel job',
    );
    replace(result, summaryBlock(j));
    replace(rejects, rejectsBlock(j));
    replace(params, h('h2', null, 'Upload'), paramsBlock(j));
    if (isFinished(j.state) && !datasetsRefreshed) {
      datasetsRefreshed = true;
      // The dataset may be new: the next dataset list (and the fictional banner) asks the server again.
      refreshDatasets();
      void frame.setDatasets('job', [j.dataset]);
    }
  };

  const settle = (next: Job) => {
    const before = job?.state;
    job = next;
    render();
    if (before !== next.state && isFinished(next.state)) {
      stopLive();
      announce(
        next.state === 'done'
          ? `Job done: ${formatNumber(next.summary?.entities ?? 0)} new entities in ${next.dataset}.`
          : `Job ${STATE_LABEL[next.state].toLowerCase()}.`,
      );
    }
  };

  const refresh = async () => {
    if (fetching) return;
    fetching = true;
    lastFetch = Date.now();
    try {
      const next = readJob(await get(`/api/jobs/${encodeURIComponent(id)}`, { signal: ctx.signal }));
      if (next && !ctx.signal.aborted) settle(next);
    } finally {
      fetching = false;
    }
  };

  const poll = () => {
    timer = window.setTimeout(async () => {
      try {
        await refresh();
      } catch {
        // A missed poll is tried again; the page keeps what it last knew.
      }
      if (job && !isFinished(job.state) && !ctx.signal.aborted) poll();
    }, POLL_MS);
  };

  const listen = () => {
    if (typeof EventSource === 'undefined') return poll();
    const es = new EventSource(`/api/jobs/${encodeURIComponent(id)}/events`);
    source = es;
    es.addEventListener('progress', (ev) => {
      const p = readProgress(parse((ev as MessageEvent).data));
      if (!p || !job || isFinished(job.state)) return;
      const rejectsBehind = p.rejected > job.rejects.length && job.rejects.length < 100;
      job = { ...job, state: 'running', progress: p };
      render();
      // Rejects travel only on the job itself: fetch it now and then while new ones come in.
      if (rejectsBehind && Date.now() - lastFetch >= REFETCH_MS) void refresh().catch(() => {});
    });
    for (const name of ['done', 'failed', 'cancelled'] as const)
      es.addEventListener(name, (ev) => {
        stopLive();
        const next = readJob(parse((ev as MessageEvent).data));
        if (next) settle(next);
        else void refresh().catch(() => {});
      });
    es.addEventListener('error', () => {
      // EventSource retries by itself after a dropped connection; a refused stream (the server's cap on open
      // streams, an ended session) closes it for good, and the page falls back to polling.
      if (es.readyState === EventSource.CLOSED && source === es) {
        source = undefined;
        poll();
      }
    });
  };

  cancel.addEventListener('click', async () => {
    if (!job || cancelling) return;
    cancelling = true;
    cancelError.hidden = true;
    render();
    try {
      const next = readJob(await post(`/api/jobs/${encodeURIComponent(id)}/cancel`, {}));
      cancelling = false;
      if (next) settle(next);
      else render();
      announce('Cancel requested.');
    } catch (err) {
      cancelling = false;
      render();
      cancelError.hidden = false;
      replace(cancelError, `The cancel was not taken: ${describeError(err)}`);
    }
  });

  const start = async () => {
    replace(frame.body, loading('Loading the job...'));
    try {
      const first = readJob(await get(`/api/jobs/${encodeURIComponent(id)}`, { signal: ctx.signal }));
      if (ctx.signal.aborted) return;
      if (!first) throw new Error('The server sent no job.');
      replace(
        frame.body,
        head,
        live,
        h('div', { class: 'actions' }, cancel),
        cancelError,
        result,
        rejects,
        params,
      );
      settle(first);
      if (!isFinished(first.state)) listen();
    } catch (err) {
      if (!ctx.signal.aborted)
        replace(frame.body, failure(err, start), h('p', null, h('a', { href: '#/jobs' }, 'All your jobs')));
    }
  };
  void start();
  return frame.root;
}

/** The caller's jobs as a table, newest first. */
export function jobsTable(jobs: Job[]): HTMLElement {
  return h(
    'table',
    { class: 'table jobs-table' },
    h('caption', { class: 'visually-hidden' }, 'Your recent jobs'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Job'),
        h('th', { scope: 'col' }, 'Dataset'),
        h('th', { scope: 'col' }, 'State'),
        h('th', { scope: 'col' }, 'Progress'),
        h('th', { scope: 'col' }, 'Queued'),
      ),
    ),
    h(
      'tbody',
      null,
      jobs.map((j) => {
        const p = j.summary
          ? `${formatNumber(j.summary.entities)} new entities, ${formatNumber(j.summary.rejected)} rejected`
          : j.progress
            ? `${formatNumber(j.progress.records)} records`
            : '';
        return h(
          'tr',
          { 'data-job': j.id, 'data-state': j.state },
          h('th', { scope: 'row' }, h('a', { href: jobHref(j.id) }, j.params.file)),
          h('td', null, j.dataset),
          h('td', null, stateBadge(j)),
          h(
            'td',
            null,
            j.state === 'running' || j.state === 'queued'
              ? progressBar(j, `Progress of ${j.params.file}`)
              : null,
            p ? h('span', { class: 'muted small' }, ` ${p}`) : null,
            j.error ? h('code', { class: 'small' }, ` ${j.error.code}`) : null,
          ),
          h('td', null, when(j.createdAt)),
        );
      }),
    ),
  );
}

/**
 * The caller's recent jobs, polled every 2 s while any is queued or running (the polling stops when the view is
 * left). `limit` keeps the dashboard short.
 */
export function jobsPanel(ctx: ViewContext, limit?: number): HTMLElement {
  const box = h('div', { class: 'jobs-panel' }, loading('Loading your jobs...'));
  let timer: number | undefined;
  const stop = () => {
    if (timer !== undefined) window.clearTimeout(timer);
    timer = undefined;
  };
  ctx.onLeave(stop);
  ctx.signal.addEventListener('abort', stop);
  const load = async (first: boolean) => {
    try {
      const jobs = readJobs(await get('/api/jobs', { signal: ctx.signal }));
      if (ctx.signal.aborted) return;
      const shown = limit === undefined ? jobs : jobs.slice(0, limit);
      replace(
        box,
        jobs.length === 0
          ? empty(
              'You have no jobs yet.',
              h('p', null, h('a', { href: '#/upload' }, 'Upload a file'), ' to start one.'),
            )
          : [
              jobsTable(shown),
              shown.length < jobs.length
                ? h(
                    'p',
                    { class: 'small' },
                    h('a', { href: '#/jobs' }, `All ${formatNumber(jobs.length)} jobs`),
                  )
                : null,
            ],
      );
      if (jobs.some((j) => !isFinished(j.state))) timer = window.setTimeout(() => void load(false), POLL_MS);
    } catch (err) {
      if (ctx.signal.aborted) return;
      // A poll that fails once keeps the table and tries again; a first load that fails says so.
      if (first)
        replace(
          box,
          failure(err, () => void load(true)),
        );
      else timer = window.setTimeout(() => void load(false), POLL_MS * 2);
    }
  };
  void load(true);
  return box;
}

export const jobView: View = (ctx) => {
  const id = ctx.path[1];
  if (id) return oneJobView(ctx, id);
  const frame = new Frame('Jobs', h('a', { href: '#/upload', class: 'btn btn-primary' }, 'Upload a file'));
  replace(
    frame.body,
    h('p', { class: 'muted' }, 'Your background jobs in this server process, newest first.'),
    jobsPanel(ctx),
  );
  return frame.root;
};
