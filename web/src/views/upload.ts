// Upload (`#/upload`): one file (chosen or dropped) into a dataset, with its format, marking (at most the user's
// clearance) and optional 3x5x2 grading. The file goes as the raw request body of POST /api/ingest with the CSRF
// header; the server checks size, type and archives before anything is read and refuses with a typed code, shown
// here as it is. An accepted upload is a job: the page moves to it.
import { ApiError, describeError, postFile } from '../api.js';
import { h, replace } from '../dom.js';
import { describeGrading } from '../grading.js';
import {
  allowedMarkings,
  DATASET_NAME,
  datasetProblem,
  FORMATS,
  formatBytes,
  GRADING_ASSESSMENT,
  GRADING_HANDLING,
  GRADING_SOURCE,
  gradingOf,
  ingestUrl,
  suggestDataset,
} from '../jobs.js';
import { go } from '../router.js';
import { currentUser } from '../session.js';
import { readJob } from '../types.js';
import { announce, Frame, showMarking } from '../ui.js';
import { jobsPanel } from './job.js';
import type { View } from './view.js';

/** What to do about a refusal, by its code; the server's message says what was wrong. */
const HINTS: Record<string, string> = {
  UPLOAD_TOO_LARGE: 'The file is over the server\u2019s size limit: split it, or ask the operator.',
  UPLOAD_EMPTY: 'The file is empty.',
  UPLOAD_TYPE_MISMATCH:
    'The file\u2019s name or type does not match what is in it: check it is the file you meant, or rename it.',
  UPLOAD_TYPE_UNSUPPORTED: 'Upload CSV, JSON (lines), XML, or a ZIP or gzip archive of them.',
  UPLOAD_NAME_INVALID: 'Rename the file: a plain name without control characters.',
  UPLOAD_INCOMPLETE: 'The upload was interrupted; try again.',
  ARCHIVE_BOMB: 'The archive expands far more than data does, so nothing in it was read.',
  ARCHIVE_TOO_LARGE: 'The archive expands past the server\u2019s limit: split it.',
  ARCHIVE_TOO_MANY_ENTRIES: 'The archive holds too many files: split it.',
  ARCHIVE_UNSAFE_PATH: 'An entry of the archive points outside it; nothing in it was read.',
  ARCHIVE_SYMLINK: 'The archive holds a link or a special file; only plain files are taken.',
  ARCHIVE_NESTED: 'Unpack the inner archive and upload its files.',
  ARCHIVE_INVALID: 'The archive cannot be read.',
  ARCHIVE_NAME_INVALID: 'An entry of the archive has a name with control characters.',
  FORMAT_UNKNOWN: 'Choose the format below.',
  MARKING_ABOVE_CLEARANCE: 'Choose a marking at or below your clearance.',
  LIMIT_REACHED: 'You have as many jobs going as allowed: wait for one to finish.',
  GRADING_INVALID: 'Choose a 3x5x2 grading, or none.',
};

function select(
  id: string,
  options: readonly (readonly [string, string])[],
  first?: string,
): HTMLSelectElement {
  return h(
    'select',
    { id, name: id },
    first === undefined ? null : h('option', { value: '' }, first),
    options.map(([value, label]) => h('option', { value }, label)),
  );
}

export const uploadView: View = (ctx) => {
  const frame = new Frame('Upload');
  const user = currentUser();
  const markings = allowedMarkings(user);

  let chosen: File | undefined;
  let datasetTouched = false;

  const file = h('input', {
    id: 'upload-file',
    name: 'file',
    type: 'file',
    'aria-describedby': 'upload-file-note',
  });
  const fileNote = h('p', { id: 'upload-file-note', class: 'file-chosen muted' }, 'No file chosen.');
  const drop = h(
    'div',
    { class: 'dropzone', 'data-testid': 'dropzone' },
    h('label', { for: 'upload-file' }, 'File'),
    file,
    h(
      'p',
      { class: 'muted small' },
      'Choose a file, or drop one here. A ZIP or gzip archive of several files is taken too.',
    ),
    fileNote,
  );

  const dataset = h('input', {
    id: 'upload-dataset',
    name: 'dataset',
    required: true,
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    maxlength: 64,
    pattern: DATASET_NAME.source.replace(/^\^|\$$/g, ''),
    'aria-describedby': 'upload-dataset-hint upload-dataset-error',
  });
  const datasetError = h('p', { id: 'upload-dataset-error', class: 'form-error field-error', hidden: true });
  const title = h('input', { id: 'upload-title', name: 'title', maxlength: 200, autocomplete: 'off' });
  const format = select(
    'upload-format',
    FORMATS.map((f) => [f.value, f.label] as const),
  );
  const marking = h(
    'select',
    { id: 'upload-marking', name: 'marking', required: true, 'aria-describedby': 'upload-marking-hint' },
    markings.map((m) => h('option', { value: m }, m)),
  );
  const source = select('upload-grading-source', GRADING_SOURCE, 'Source: -');
  const assessment = select('upload-grading-assessment', GRADING_ASSESSMENT, 'Intelligence: -');
  const handling = select('upload-grading-handling', GRADING_HANDLING, 'Handling: -');
  const gradingNote = h('p', { class: 'muted small', id: 'upload-grading-note' }, 'Not graded.');
  const formError = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const refusal = h('div', {
    class: 'state state-error upload-error',
    role: 'alert',
    tabindex: '-1',
    hidden: true,
  });
  const submit = h(
    'button',
    { type: 'submit', class: 'btn btn-primary', id: 'upload-submit' },
    'Upload and ingest',
  );

  const showFile = () => {
    replace(
      fileNote,
      chosen ? [h('strong', null, chosen.name), ` (${formatBytes(chosen.size)})`] : 'No file chosen.',
    );
    fileNote.classList.toggle('muted', !chosen);
    if (chosen && (!datasetTouched || dataset.value === '')) {
      const name = suggestDataset(chosen.name);
      if (name) {
        dataset.value = name;
        checkDataset(false);
      }
    }
  };
  const checkDataset = (show: boolean): boolean => {
    const problem = datasetProblem(dataset.value);
    dataset.setAttribute('aria-invalid', problem ? 'true' : 'false');
    datasetError.hidden = !(problem && show);
    replace(datasetError, problem ?? '');
    return problem === undefined;
  };
  const describeGradingNow = () => {
    const g = gradingOf(source.value, assessment.value, handling.value);
    replace(gradingNote, g.problem ?? (g.code ? `${g.code}: ${describeGrading(g.code)}` : 'Not graded.'));
    gradingNote.classList.toggle('form-error', g.problem !== undefined);
    return g;
  };

  file.addEventListener('change', () => {
    chosen = file.files?.[0] ?? undefined;
    showFile();
  });
  dataset.addEventListener('input', () => {
    datasetTouched = true;
    checkDataset(dataset.value !== '');
  });
  dataset.addEventListener('blur', () => checkDataset(true));
  for (const s of [source, assessment, handling]) s.addEventListener('change', describeGradingNow);

  // Drag and drop onto the zone; a file dropped anywhere else on the page must not make the browser open it.
  drop.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'copy';
    drop.classList.add('dragging');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('dragging');
    const files = ev.dataTransfer?.files;
    if (!files || files.length === 0) return;
    if (files.length > 1) {
      formError.hidden = false;
      replace(formError, 'One file at a time: put several into a ZIP archive.');
      return;
    }
    formError.hidden = true;
    chosen = files[0];
    try {
      file.files = files;
    } catch {
      // Older browsers cannot set the input's files; the dropped file is kept aside instead.
    }
    showFile();
    announce(`Chosen: ${chosen?.name ?? 'file'}`);
  });
  const swallow = (ev: Event) => {
    if (!drop.contains(ev.target as Node)) ev.preventDefault();
  };
  window.addEventListener('dragover', swallow);
  window.addEventListener('drop', swallow);
  ctx.onLeave(() => {
    window.removeEventListener('dragover', swallow);
    window.removeEventListener('drop', swallow);
  });

  const form = h(
    'form',
    { class: 'upload-form', novalidate: true, 'aria-describedby': 'upload-intro' },
    drop,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'upload-dataset' }, 'Dataset'),
      dataset,
      h(
        'p',
        { id: 'upload-dataset-hint', class: 'muted small' },
        'Lower-case letters, digits, _ or -. An existing dataset of yours grows; records already in it are not added twice.',
      ),
      datasetError,
    ),
    h('div', { class: 'field' }, h('label', { for: 'upload-title' }, 'Title (optional)'), title),
    h('div', { class: 'field' }, h('label', { for: 'upload-format' }, 'Format'), format),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'upload-marking' }, 'Marking'),
      marking,
      h(
        'p',
        { id: 'upload-marking-hint', class: 'muted small' },
        user?.clearance
          ? `Every statement from this file carries it. At most your clearance, ${showMarking([user.clearance, ...(user.caveats ?? [])].join(' '))}.`
          : 'Every statement from this file carries it; the server refuses one above your clearance.',
      ),
    ),
    h(
      'fieldset',
      { class: 'field grading-field' },
      h('legend', null, 'Grading (3x5x2, optional)'),
      h(
        'div',
        { class: 'grading-row' },
        h('label', { for: 'upload-grading-source', class: 'visually-hidden' }, 'Source evaluation'),
        source,
        h('label', { for: 'upload-grading-assessment', class: 'visually-hidden' }, 'Intelligence assessment'),
        assessment,
        h('label', { for: 'upload-grading-handling', class: 'visually-hidden' }, 'Handling code'),
        handling,
      ),
      gradingNote,
    ),
    formError,
    refusal,
    h('div', { class: 'actions' }, submit),
  );

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formError.hidden = true;
    refusal.hidden = true;
    const problems: string[] = [];
    if (!chosen) problems.push('Choose a file.');
    if (!checkDataset(true)) problems.push('Give a valid dataset name.');
    const grading = describeGradingNow();
    if (grading.problem) problems.push(grading.problem);
    if (!marking.value) problems.push('No marking is open to your clearance.');
    if (problems.length > 0 || !chosen) {
      formError.hidden = false;
      replace(formError, problems.join(' '));
      return;
    }
    const upload = chosen;
    submit.disabled = true;
    replace(submit, `Uploading ${formatBytes(upload.size)}...`);
    try {
      const answer = await postFile(
        ingestUrl({
          dataset: dataset.value,
          file: upload.name,
          format: format.value,
          marking: marking.value,
          grading: grading.code,
          title: title.value.trim(),
        }),
        upload,
        { signal: ctx.signal },
      );
      const job = readJob(answer);
      if (!job) throw new Error('The server took the file but sent no job.');
      announce('Upload accepted; the job is queued.');
      go(['jobs', job.id]);
    } catch (err) {
      if (ctx.signal.aborted) return;
      refusal.hidden = false;
      const code = err instanceof ApiError ? err.code : undefined;
      replace(
        refusal,
        h(
          'p',
          null,
          h('strong', null, 'The upload was refused'),
          code ? [': ', h('code', { class: 'error-code' }, code)] : '.',
        ),
        h('p', { class: 'error-detail' }, err instanceof ApiError && code ? err.detail : describeError(err)),
        code && HINTS[code] ? h('p', null, HINTS[code]) : null,
        err instanceof ApiError && err.requestId
          ? h('p', { class: 'muted small' }, `Request ${err.requestId}`)
          : null,
      );
      refusal.focus();
    } finally {
      submit.disabled = false;
      replace(submit, 'Upload and ingest');
    }
  });

  replace(
    frame.body,
    h(
      'p',
      { id: 'upload-intro', class: 'muted' },
      'Load a file into a dataset as a background job. The server checks its size and type (and, for archives, ',
      'every entry) before anything is read; records it cannot take are listed on the job with their reasons.',
    ),
    markings.length === 0
      ? h(
          'div',
          { class: 'state state-error', role: 'alert' },
          h('p', null, 'Your clearance cannot be read, so no marking can be offered.'),
        )
      : null,
    form,
    h('h2', null, 'Your recent jobs'),
    jobsPanel(ctx, 5),
  );
  return frame.root;
};
