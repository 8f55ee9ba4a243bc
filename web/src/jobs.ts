// The DOM-free rules of uploads and jobs: the dataset name as the server checks it, the markings a user may give,
// the 3x5x2 grading, and how sizes, rates, durations and progress read.
import { parseMarking } from './marking.js';
import type { Job, JobProgress, User } from './types.js';

/** The server's rule (src/serve/uploads.ts): lower-case letters, digits, _ or -, starting with a letter or digit. */
export const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Why a dataset name would be refused, or undefined when it is fine. */
export function datasetProblem(name: string): string | undefined {
  if (name === '') return 'Give the dataset a name.';
  if (name.length > 64) return 'At most 64 characters.';
  if (!/^[a-z0-9]/.test(name)) return 'Start with a lower-case letter or a digit.';
  if (!DATASET_NAME.test(name)) return 'Use only lower-case letters, digits, _ or -.';
  return undefined;
}

/** A dataset name made from a file name: `Kestrel Case.ftm.jsonl` -> `kestrel_case`. */
export function suggestDataset(fileName: string): string {
  const stem = fileName
    .replace(/\.(gz|gzip|zip)$/i, '')
    .replace(/(\.[A-Za-z0-9]{1,8})+$/, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/_+$/, '')
    .slice(0, 64);
  return DATASET_NAME.test(stem) ? stem : '';
}

/** The formats the server reads (`mapping` needs a mapping file, so it is left to the command line). */
export const FORMATS: readonly { value: string; label: string }[] = [
  { value: '', label: 'Guess from the file' },
  { value: 'ftm', label: 'FollowTheMoney JSON lines (ftm)' },
  { value: 'ofac', label: 'OFAC SDN or consolidated CSV set (ofac)' },
  { value: 'un', label: 'UN Security Council consolidated list XML (un)' },
  { value: 'stix', label: 'STIX 2.0/2.1 bundle (stix)' },
  { value: 'adjacency', label: 'Adjacency matrix CSV (adjacency)' },
  { value: 'edgelist', label: 'Edge list CSV (edgelist)' },
];

export const MARKINGS = ['OFFICIAL', 'OFFICIAL-SENSITIVE', 'SECRET', 'TOP SECRET'] as const;

/**
 * The markings the user may give an upload: at most their clearance, and only with caveats they hold (the server
 * refuses the rest with MARKING_ABOVE_CLEARANCE). Without a known clearance every one is offered and the server
 * decides.
 */
export function allowedMarkings(user: User | undefined): string[] {
  const cleared = user?.clearance ? parseMarking(user.clearance) : undefined;
  if (!user?.clearance) return [...MARKINGS];
  if (!cleared) return [];
  const held = new Set([...cleared.caveats, ...(user.caveats ?? []).map((c) => c.toUpperCase())]);
  return MARKINGS.filter((text) => {
    const m = parseMarking(text);
    return m !== undefined && m.rank <= cleared.rank && m.caveats.every((c) => held.has(c));
  });
}

export const GRADING_SOURCE = [
  ['1', '1: reliable'],
  ['2', '2: untested'],
  ['3', '3: not reliable'],
] as const;
export const GRADING_ASSESSMENT = [
  ['A', 'A: known directly'],
  ['B', 'B: known indirectly, corroborated'],
  ['C', 'C: known indirectly'],
  ['D', 'D: not known'],
  ['E', 'E: suspected to be false'],
] as const;
export const GRADING_HANDLING = [
  ['P', 'P: lawful sharing permitted'],
  ['C', 'C: sharing with conditions'],
] as const;

/** The 3x5x2 code from its three parts: all three, or none (no grading); anything else is a problem. */
export function gradingOf(
  source: string,
  assessment: string,
  handling: string,
): { code?: string; problem?: string } {
  const parts = [source, assessment, handling];
  if (parts.every((p) => p === '')) return {};
  if (parts.some((p) => p === ''))
    return { problem: 'Choose all three parts of the grading, or none of them.' };
  const code = parts.join('');
  return /^[123][A-E][PC]$/.test(code) ? { code } : { problem: 'Not a 3x5x2 grading.' };
}

/** The POST /api/ingest address for an upload. */
export function ingestUrl(p: {
  dataset: string;
  file?: string;
  format?: string;
  marking?: string;
  grading?: string;
  title?: string;
}): string {
  const q = new URLSearchParams({ dataset: p.dataset });
  if (p.file) q.set('filename', p.file);
  if (p.format) q.set('format', p.format);
  if (p.marking) q.set('marking', p.marking);
  if (p.grading) q.set('grading', p.grading);
  if (p.title) q.set('title', p.title);
  return `/api/ingest?${q.toString()}`;
}

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n) || n < 0) return '-';
  if (n < 1024) return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[u]}`;
}

/** `75` -> `1 min 15 s`; `3700` -> `1 h 2 min`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** Bytes read as a share of the whole, 0..100; undefined while unknown. */
export function percentDone(p: JobProgress | null, state: Job['state']): number | undefined {
  if (state === 'done') return 100;
  // Nothing read yet (a large file is parsed in a worker first): an indeterminate bar says "working" better than 0%.
  if (!p || p.totalBytes <= 0 || p.bytes <= 0) return undefined;
  return Math.max(0, Math.min(100, Math.floor((p.bytes / p.totalBytes) * 100)));
}

export const STATE_LABEL: Record<Job['state'], string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
