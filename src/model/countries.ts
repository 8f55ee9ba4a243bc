// Country cleaning: ISO codes and names (FtM labels plus a table of source spellings) to FtM country codes.
import aliasTable from './data/country-aliases.json' with { type: 'json' };
import { model } from './ftm.js';

const codes: ReadonlyMap<string, string> = model.getType('country').values;
const byName = new Map<string, string>();
for (const [code, label] of codes) byName.set(fold(label), code);
for (const [name, code] of Object.entries(aliasTable.aliases)) byName.set(fold(name), code);

function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/** The FtM country code for a code or a name, or undefined when it is not a known country. */
export function countryCode(raw: string): string | undefined {
  const text = fold(raw);
  if (text === '') return undefined;
  if (codes.has(text)) return text;
  return byName.get(text);
}

export function countryLabel(code: string): string | undefined {
  return codes.get(code);
}
