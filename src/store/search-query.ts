// Turns a user's name query into an FTS5 query: folded tokens, each matched as a prefix, all required.

const MAX_TOKENS = 12;

/** Case- and accent-folded word tokens, as the unicode61 tokenizer with remove_diacritics sees them. */
export function nameTokens(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t !== '');
}

/** The FTS5 MATCH expression, or undefined when the query has no searchable token. */
export function ftsQuery(query: string): string | undefined {
  const tokens = nameTokens(query).slice(0, MAX_TOKENS);
  if (tokens.length === 0) return undefined;
  // Quoted so FTS5 syntax characters in user input are data, never operators.
  return tokens.map((t) => `"${t.replaceAll('"', '""')}"*`).join(' ');
}
