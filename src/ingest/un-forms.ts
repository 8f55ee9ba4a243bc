// Tells company names from other organisation names by their legal-form words (Ltd, Co., JSC...), for Company vs Organization.
import formsTable from './data/company-forms.json' with { type: 'json' };

/**
 * Upper-cases, drops dots ("S.A." = "SA") and splits on spaces, commas and brackets, but not on hyphens or
 * apostrophes, so "AS-SUNNA" or "AL-ANSAR" never match the forms "AS" or "AL".
 */
function normalise(text: string): string {
  return ` ${text
    .toUpperCase()
    .replace(/\./g, '')
    .replace(/[^\p{L}\p{N}'’/&-]+/gu, ' ')
    .trim()} `;
}

const forms = [...new Set(formsTable.forms.map(normalise).filter((f) => f.trim() !== ''))];

/** True when the name contains a legal-form word (company-forms.json) as a whole word, e.g. "ACME TRADING CO., LTD". */
export function isCompanyName(name: string): boolean {
  const text = normalise(name);
  return forms.some((form) => text.includes(form));
}
