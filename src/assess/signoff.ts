// The analyst's hand on the judgements: edited text and sign-off, kept in HOME/assess/judgements.json by judgement
// id, with who and when. An edit is shown only to readers cleared for the marking the judgement had when edited
// (the editor wrote it seeing that evidence); otherwise the generated text stands.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AccessContext, canSee } from '../access/index.js';
import { NexusError, parseMarking } from '../model/index.js';
import type { Judgement } from './judgements.js';

export interface Signoff {
  text?: string;
  /** The generated text the edit replaced. */
  generated_text?: string;
  edited_by?: string;
  edited_at?: string;
  signed_by?: string;
  signed_at?: string;
  /** The judgement's marking when last edited or signed. */
  marking: string;
}

export type Signoffs = Record<string, Signoff>;

export function signoffPath(home: string): string {
  return join(home, 'assess', 'judgements.json');
}

export function loadSignoffs(home: string): Signoffs {
  const path = signoffPath(home);
  if (!existsSync(path)) return {};
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { judgements?: Signoffs };
    return data.judgements ?? {};
  } catch (err) {
    throw new NexusError(
      'VALUE_INVALID',
      `assess: ${path} is not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
}

export function saveSignoffs(home: string, all: Signoffs): void {
  const path = signoffPath(home);
  mkdirSync(join(home, 'assess'), { recursive: true });
  const sorted = Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileSync(`${path}.tmp`, `${JSON.stringify({ judgements: sorted }, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** Judgements with the edits and sign-offs the reader may see applied. */
export function applySignoffs(ctx: AccessContext, list: readonly Judgement[], all: Signoffs): Judgement[] {
  return list.map((j) => {
    const s = all[j.id];
    if (!s || !canSee(ctx, parseMarking(s.marking))) return j;
    const out: Judgement = { ...j };
    if (s.text !== undefined) {
      out.text = s.text;
      out.status = 'edited';
      if (s.edited_by) out.edited_by = s.edited_by;
      if (s.edited_at) out.edited_at = s.edited_at;
    }
    // A signature on generated text covers that text only: when the data has changed it, the signature lapses.
    const stale =
      s.text === undefined && s.generated_text !== undefined && s.generated_text !== j.generated_text;
    if (s.signed_by && !stale) {
      out.status = 'signed';
      out.signed_by = s.signed_by;
      if (s.signed_at) out.signed_at = s.signed_at;
    }
    return out;
  });
}

/** Records an edit: the signature, if any, no longer covers the text and is cleared. */
export function editJudgement(home: string, j: Judgement, text: string, user: string, at: string): Signoff {
  const clean = text.trim();
  if (clean === '' || clean.length > 4000)
    throw new NexusError('USAGE_INVALID', 'assess judgement edit: --text is 1 to 4,000 characters');
  const all = loadSignoffs(home);
  const s: Signoff = {
    text: clean,
    generated_text: j.generated_text,
    edited_by: user,
    edited_at: at,
    marking: j.marking,
  };
  all[j.id] = s;
  saveSignoffs(home, all);
  return s;
}

export function signJudgement(home: string, j: Judgement, user: string, at: string): Signoff {
  const all = loadSignoffs(home);
  const before = all[j.id];
  const s: Signoff = { ...(before ?? {}), signed_by: user, signed_at: at, marking: j.marking };
  if (before?.text === undefined) s.generated_text = j.generated_text;
  all[j.id] = s;
  saveSignoffs(home, all);
  return s;
}
