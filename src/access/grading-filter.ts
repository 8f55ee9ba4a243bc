// The grading filter an analyst reads through ("only A/B intelligence"): which 3x5x2 source evaluations and
// intelligence assessments pass, and whether ungraded statements do. It narrows what a context sees; it is a view,
// not a clearance: it never lets through what the marking rule hides. Syntax and meaning: docs/grading.md.
import { NexusError } from '../model/index.js';

const ALL_SOURCES = '123';
const ALL_ASSESSMENTS = 'ABCDE';
const MAX_TEXT = 40;
const SYNTAX = /^([1-3]*)([A-E]*)(\+UNGRADED)?$/;

export interface GradingFilter {
  /** Source evaluations that pass, in order, e.g. `12`; empty: no graded statement passes. */
  readonly sources: string;
  /** Intelligence assessments that pass, in order, e.g. `AB`; empty: no graded statement passes. */
  readonly assessments: string;
  /** Whether statements with no grading pass. Legacy `5x5x5:` codes never pass a filter. */
  readonly ungraded: boolean;
}

function canonical(chars: string, all: string): string {
  return [...all].filter((c) => chars.includes(c)).join('');
}

function filter(sources: string, assessments: string, ungraded: boolean): GradingFilter {
  return Object.freeze({
    sources: canonical(sources, ALL_SOURCES),
    assessments: canonical(assessments, ALL_ASSESSMENTS),
    ungraded,
  });
}

/**
 * Parses the compact filter text: source evaluations (1-3) then intelligence assessments (A-E), either part left out
 * meaning all of it, and `+ungraded` to let ungraded statements through as well; `ungraded` alone passes only those.
 * `AB`: assessment A or B; `1AB`: source 1 and assessment A or B; `12`: source 1 or 2; `AB+ungraded`. Case does not
 * matter. Anything else is GRADING_INVALID naming the input.
 */
export function parseGradingFilter(text: string): GradingFilter {
  const code = text.trim().toUpperCase();
  if (code === 'UNGRADED') return filter('', '', true);
  const m = code.length <= MAX_TEXT ? SYNTAX.exec(code) : null;
  const sources = m?.[1] ?? '';
  const assessments = m?.[2] ?? '';
  if (!m || (sources === '' && assessments === '')) {
    const shown = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}...` : text;
    throw new NexusError(
      'GRADING_INVALID',
      `grading filter "${shown}" is not valid: give source evaluations 1-3 and/or intelligence assessments A-E, ` +
        'e.g. AB, 1AB or AB+ungraded (or ungraded)',
      { input: shown },
    );
  }
  return filter(sources || ALL_SOURCES, assessments || ALL_ASSESSMENTS, m[3] !== undefined);
}

/** A filter from an option or parameter: absent or blank means none. */
export function gradingFilterOption(text: string | null | undefined): GradingFilter | undefined {
  if (text === null || text === undefined || text.trim() === '') return undefined;
  return parseGradingFilter(text);
}

/** What passes both filters (a filter on top of another only narrows it). */
export function intersectGradingFilters(a: GradingFilter, b: GradingFilter): GradingFilter {
  return filter(
    [...a.sources].filter((c) => b.sources.includes(c)).join(''),
    [...a.assessments].filter((c) => b.assessments.includes(c)).join(''),
    a.ungraded && b.ungraded,
  );
}

/** The filter as text in the parser's syntax (a stable form, e.g. for cache keys); `none` when nothing passes. */
export function formatGradingFilter(f: GradingFilter): string {
  const graded = f.sources !== '' && f.assessments !== '';
  if (!graded) return f.ungraded ? 'ungraded' : 'none';
  const sources = f.sources === ALL_SOURCES && f.assessments !== ALL_ASSESSMENTS ? '' : f.sources;
  const assessments = f.assessments === ALL_ASSESSMENTS && sources !== '' ? '' : f.assessments;
  return `${sources}${assessments}${f.ungraded ? '+ungraded' : ''}`;
}

/** True when a statement's grading (a 3x5x2 code, a legacy `5x5x5:` code or null) passes the filter. */
export function gradingPasses(f: GradingFilter, grading: string | null): boolean {
  if (grading === null || grading === '') return f.ungraded;
  return (
    grading.length === 3 &&
    f.sources.includes(grading[0] as string) &&
    f.assessments.includes(grading[1] as string) &&
    (grading[2] === 'P' || grading[2] === 'C')
  );
}
