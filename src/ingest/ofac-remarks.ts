// Interprets OFAC's free-text values (Remarks: DOB, POB, IDs, wallets, a.k.a.; names; programme lists) as FtM values.
import { countryCode } from '../model/countries.js';
import { parseDates } from '../model/dates.js';
import { getProperty, getSchema } from '../model/ftm.js';
import { stableId } from '../model/ids.js';
import companyForms from './data/company-forms.json' with { type: 'json' };
import { addValue, type EntityRecord, newEntity, type Reject, reject } from './reader.js';

/** What remark parsing needs from the reader, and where it puts what it finds. */
export interface RemarkContext {
  readonly entNum: string;
  /** The listed entry (Person, Company, Vessel ...). */
  readonly entity: EntityRecord;
  /** Entities made from remarks: Passport, Identification, CryptoWallet, UnknownLink. */
  readonly extra: EntityRecord[];
  /** Sanction-level text (secondary sanctions, directives), given to each Sanction of the entry. */
  readonly provisions: string[];
  readonly problems: Reject[];
  readonly file: string;
  readonly line: number;
  /** The entity id of the one other entry whose primary name is `name`, if there is exactly one. */
  resolve(name: string): string | undefined;
}

/** Country spellings OFAC uses to say "unknown": no country, but no error either (the text is kept). */
const NO_COUNTRY = new Set(['none identified', 'undetermined', 'unknown']);

export function hasProp(schema: string, prop: string): boolean {
  return getProperty(getSchema(schema), prop) !== undefined;
}

function isLegalEntity(schema: string): boolean {
  return getSchema(schema).isA(getSchema('LegalEntity'));
}

/** Adds the value when the entry's schema has the property; otherwise keeps the segment as a note. */
function setOrNote(ctx: RemarkContext, prop: string, value: string, segment: string): void {
  if (value !== '' && hasProp(ctx.entity.schema, prop)) addValue(ctx.entity, prop, value);
  else note(ctx, segment);
}

function note(ctx: RemarkContext, segment: string): void {
  addValue(ctx.entity, 'notes', segment);
}

/**
 * The FtM code for a country name, or undefined. An unknown name is a value problem (reported on `field`);
 * either way the caller keeps the text somewhere, so nothing is lost.
 */
export function resolveCountry(ctx: RemarkContext, field: string, raw: string): string | undefined {
  const text = raw.trim().replace(/\.$/, '').trim();
  if (text === '') return undefined;
  const code = countryCode(text);
  if (code !== undefined) return code;
  if (!NO_COUNTRY.has(text.toLowerCase())) {
    ctx.problems.push(
      reject(ctx.file, 'VALUE_INVALID', `ingest.ofac: unknown country "${text}"`, {
        line: ctx.line,
        record: ctx.entNum,
        field,
      }),
    );
  }
  return undefined;
}

function countryOrNote(ctx: RemarkContext, prop: string, raw: string, segment: string): void {
  const code = resolveCountry(ctx, prop, raw);
  if (code !== undefined && hasProp(ctx.entity.schema, prop)) addValue(ctx.entity, prop, code);
  else note(ctx, segment);
}

function datesOrNote(ctx: RemarkContext, prop: string, raw: string, segment: string): void {
  // `1960-1962` is a year range in OFAC's DOBs; parseDates reads ranges spelt with "to".
  const dates = parseDates(raw.replace(/\b(\d{4})-(\d{4})\b/, '$1 to $2'));
  if (dates.length === 0 || !hasProp(ctx.entity.schema, prop)) note(ctx, segment);
  for (const d of dates) if (hasProp(ctx.entity.schema, prop)) addValue(ctx.entity, prop, d);
}

/** The name inside OFAC's quotes: `'X'` -> X; the odd `'LAST', 'First'` is rejoined as one name. */
function quotedName(raw: string): string {
  const m = /^'(.*)'$/.exec(raw.trim());
  return (m ? (m[1] ?? '') : raw).replace(/',\s*'/g, ', ').trim();
}

function link(ctx: RemarkContext, target: string): string | undefined {
  const id = ctx.resolve(target) ?? ctx.resolve(target.replace(/\.$/, '')) ?? ctx.resolve(`${target}.`);
  if (id === undefined || id === ctx.entity.id) return undefined;
  return id;
}

/** Parses `X123 (Iran) issued 01 Jan 2000 expires 01 Jan 2010` after an identifier label. */
interface IdValue {
  number: string;
  country?: string;
  issued: string[];
  expires: string[];
  /** True when some part could not be read, so the whole segment is also kept as a note. */
  partial: boolean;
}

function parseIdValue(raw: string): IdValue {
  let rest = raw.replace(/^[\s:#]+/, '').trim();
  const out: IdValue = { number: '', issued: [], expires: [], partial: false };
  const exp = /[\s,]+expires?\s+(.+)$/i.exec(rest);
  if (exp) {
    out.expires = parseDates(exp[1] ?? '');
    out.partial ||= out.expires.length === 0;
    rest = rest.slice(0, exp.index);
  }
  const iss = /[\s,]+issued\s*(.*)$/i.exec(rest);
  if (iss) {
    out.issued = parseDates(iss[1] ?? '');
    out.partial ||= out.issued.length === 0;
    rest = rest.slice(0, iss.index);
  }
  // A trailing parenthesis with a word in it names the issuing country; `D489833(9)` is part of the number.
  const ctry = /\s*\(([^()]*[A-Za-z]{3,}[^()]*)\)\s*$/.exec(rest);
  if (ctry) {
    // Not always a country (Colombian cedulas name the city): then no problem, but the segment becomes a note.
    const code = countryCode(ctry[1] ?? '');
    if (code !== undefined) out.country = code;
    else out.partial = true;
    rest = rest.slice(0, ctry.index);
  }
  out.number = rest.trim().replace(/[.,]$/, '');
  return out;
}

/** An identity document or register number that FtM models as an Identification (or Passport) entity. */
function addDocument(
  ctx: RemarkContext,
  schema: 'Passport' | 'Identification',
  type: string,
  v: IdValue,
): boolean {
  if (v.number === '' || !isLegalEntity(ctx.entity.schema)) return false;
  const doc = newEntity(stableId(`ofac-${schema.toLowerCase()}`, ctx.entNum, type, v.number), schema);
  addValue(doc, 'holder', ctx.entity.id);
  addValue(doc, 'number', v.number);
  addValue(doc, 'type', type);
  addValue(doc, 'country', v.country);
  for (const d of v.issued) addValue(doc, 'startDate', d);
  for (const d of v.expires) addValue(doc, 'endDate', d);
  ctx.extra.push(doc);
  return true;
}

interface IdRule {
  prop: string;
  /** Documents get an Identification entity as well as the property, so their country and dates are kept. */
  doc?: boolean;
  labels: string[];
}

// OFAC's identifier labels, as spelt in the data (checked against the 2021 SDN and 2025 consolidated files).
const ID_RULES: IdRule[] = [
  {
    prop: 'taxNumber',
    labels: [
      'Tax ID No.',
      'NIT #',
      'R.F.C. #',
      'R.F.C.',
      'RFC #',
      'RFC',
      'RUC #',
      'RIF #',
      'C.U.I.T. #',
      'C.U.I.T.',
      'US FEIN',
      'Italian Fiscal Code',
      'Fiscal Code',
      'RTN #',
      'RTN',
      'C.I.F.',
      'Romanian Tax Registration',
      'Paraguayan tax identification number',
      'Numero Unico de Identificacao Tributaria (NUIT)',
      'RSIN',
    ],
  },
  {
    prop: 'registrationNumber',
    labels: [
      'Registration Number',
      'Registration ID',
      'Company Number',
      'Commercial Registry Number',
      'Business Registration Number',
      'Business Registration Document #',
      'Folio Mercantil No.',
      'Matricula Mercantil No',
      'C.R. No.',
      'Chamber of Commerce Number',
      'Public Registration Number',
      'UK Company Number',
      'Registered Charity No.',
      'Certificate of Incorporation Number',
      'Enterprise Number',
      'Business Number',
      'Dubai Chamber of Commerce Membership No.',
      'Istanbul Chamber of Comm. No.',
      'Romanian C.R.',
      'Company ID: No.',
      'Branch Unit Number',
      'Government Gazette Number',
      'MSB Registration Number',
      'United Social Credit Code Certificate (USCCC)',
      'Unified Social Credit Code (USCC)',
    ],
  },
  {
    prop: 'licenseNumber',
    labels: [
      'Trade License No.',
      'Afghan Money Service Provider License Number',
      'SRE Permit No.',
      'License',
    ],
  },
  { prop: 'vatCode', labels: ['V.A.T. Number'] },
  { prop: 'dunsCode', labels: ['D-U-N-S Number'] },
  { prop: 'leiCode', labels: ['Legal Entity Number'] },
  { prop: 'swiftBic', labels: ['SWIFT/BIC'] },
  { prop: 'bikCode', labels: ['BIK (RU)'] },
  { prop: 'socialSecurityNumber', labels: ['SSN #', 'SSN'] },
  {
    prop: 'idNumber',
    doc: true,
    labels: [
      'National ID No.',
      'Cedula No.',
      'Identification Number',
      'Personal ID Card',
      'D.N.I. #',
      'D.N.I.',
      'C.U.R.P. #',
      'C.U.R.P.',
      'Credencial electoral',
      'Electoral Registry No.',
      'Cartilla de Servicio Militar Nacional',
      "Driver's License No.",
      'Kenyan ID No.',
      'Turkish Identification Number',
      'Numero de Identidad',
      "Citizen's Card Number",
      'National Foreign ID Number',
      'Residency Number',
      'Birth Certificate Number',
      'Travel Document Number',
      'Tazkira National ID Card',
      'I.F.E. #',
      'I.F.E.',
      'C.U.I.P. #',
      'C.U.I.P.',
      'C.U.I. #',
      'C.U.I.',
      'LE Number',
      'Moroccan Personal ID No.',
      'Bosnian Personal ID No.',
      'Refugee ID Card',
      'Stateless Person ID Card',
      'CNP (Personal Numerical Code)',
      'VisaNumberID',
      'Public Security and Immigration No.',
      'Immigration No.',
      'Romanian Permanent Resident',
      'UAE Identification',
      'Personal ID',
      'Pilot License Number',
      'Tarjeta Profesional',
      'N.I.E.',
    ],
  },
];

const PASSPORT_LABELS = [
  'Diplomatic Passport',
  'British National Overseas Passport',
  'Stateless Person Passport',
  'U.S.A. Passport',
  'Passport',
];

// Longest label first, so `Registration ID` never shadows a longer label that starts the same way.
const ID_LABELS: Array<[string, IdRule]> = ID_RULES.flatMap((r) =>
  r.labels.map((l): [string, IdRule] => [l, r]),
).sort((a, b) => b[0].length - a[0].length);

function startsWithLabel(body: string, label: string): boolean {
  if (body.length < label.length || body.slice(0, label.length).toLowerCase() !== label.toLowerCase())
    return false;
  const next = body.charAt(label.length);
  return next === '' || /[\s:#]/.test(next) || /[.#:)]$/.test(label);
}

function identifier(ctx: RemarkContext, body: string, segment: string): boolean {
  for (const label of PASSPORT_LABELS) {
    if (!startsWithLabel(body, label)) continue;
    const v = parseIdValue(body.slice(label.length));
    if (!addDocument(ctx, 'Passport', label, v)) return false;
    if (hasProp(ctx.entity.schema, 'passportNumber')) addValue(ctx.entity, 'passportNumber', v.number);
    if (v.partial) note(ctx, segment);
    return true;
  }
  for (const [label, rule] of ID_LABELS) {
    if (!startsWithLabel(body, label)) continue;
    const v = parseIdValue(body.slice(label.length));
    if (v.number === '') return false;
    const onSchema = hasProp(ctx.entity.schema, rule.prop);
    if (onSchema) addValue(ctx.entity, rule.prop, v.number);
    // The property alone would lose the country and dates; a document entity keeps them.
    const documented = (rule.doc || !onSchema) && addDocument(ctx, 'Identification', label, v);
    if ((!onSchema && !documented) || v.partial) note(ctx, segment);
    return true;
  }
  return false;
}

type Rule = [RegExp, (m: RegExpExecArray, ctx: RemarkContext, segment: string) => void];

const g = (m: RegExpExecArray, i = 1): string => (m[i] ?? '').trim();

/** Remark rules, tried in order on the text after `alt.`; the first whose pattern matches handles the segment. */
const RULES: Rule[] = [
  [/^DOB:?\s+(.+)$/i, (m, ctx, s) => datesOrNote(ctx, 'birthDate', g(m), s)],
  [/^POB:?\s+(.+)$/i, (m, ctx, s) => setOrNote(ctx, 'birthPlace', g(m), s)],
  [
    /^Nationality of Registration\s+(.+)$/i,
    (m, ctx, s) =>
      countryOrNote(ctx, hasProp(ctx.entity.schema, 'jurisdiction') ? 'jurisdiction' : 'country', g(m), s),
  ],
  [/^nationality\s+(.+)$/i, (m, ctx, s) => countryOrNote(ctx, 'nationality', g(m), s)],
  [/^citizen\s+(.+)$/i, (m, ctx, s) => countryOrNote(ctx, 'citizenship', g(m), s)],
  [/^ethnicity\s+(.+)$/i, (m, ctx, s) => setOrNote(ctx, 'ethnicity', g(m), s)],
  [/^Gender\s+(Male|Female)$/i, (m, ctx, s) => setOrNote(ctx, 'gender', g(m).toLowerCase(), s)],
  [/^a\.k\.a\.?\s+(.+)$/i, (m, ctx) => addValue(ctx.entity, 'weakAlias', quotedName(g(m)))],
  [/^f\.k\.a\.?\s+(.+)$/i, (m, ctx) => addValue(ctx.entity, 'previousName', quotedName(g(m)))],
  [/^n\.k\.a\.?\s+(.+)$/i, (m, ctx) => addValue(ctx.entity, 'alias', quotedName(g(m)))],
  [
    /^Linked To:\s*(.+)$/i,
    (m, ctx, s) => {
      note(ctx, s);
      const target = link(ctx, g(m));
      if (target === undefined) return;
      const l = newEntity(stableId('ofac-link', ctx.entNum, target), 'UnknownLink');
      addValue(l, 'subject', ctx.entity.id);
      addValue(l, 'object', target);
      addValue(l, 'role', 'Linked To');
      ctx.extra.push(l);
    },
  ],
  [
    /^Digital Currency Address\s*-\s*([A-Za-z0-9]+)\s+(\S+?)\.?$/i,
    (m, ctx) => {
      const currency = g(m).toUpperCase();
      const address = g(m, 2);
      // Keyed by chain and address only, so a wallet listed under two entries is one entity with two holders.
      const w = newEntity(stableId('ofac-wallet', currency, address), 'CryptoWallet');
      addValue(w, 'publicKey', address);
      addValue(w, 'currency', currency);
      addValue(w, 'holder', ctx.entity.id);
      addValue(w, 'topics', 'sanction');
      ctx.extra.push(w);
    },
  ],
  [
    /^(Additional Sanctions Information|Secondary sanctions risk|Transactions Prohibited For|Executive Order \d+|CAATSA Section|IFCA Determination|For more information|Listing Date|Effective Date|Purchase\/Sales For Divestment Date)\b/i,
    (_m, ctx, s) => {
      if (!ctx.provisions.includes(s)) ctx.provisions.push(s);
    },
  ],
  [
    /^Aircraft Manufacturer's Serial Number \(MSN\)\s+(.+)$/i,
    (m, ctx, s) => setOrNote(ctx, 'serialNumber', g(m), s),
  ],
  [/^Aircraft Manufacture Date\s+(.+)$/i, (m, ctx, s) => datesOrNote(ctx, 'buildDate', g(m), s)],
  [/^Aircraft Model\s+(.+)$/i, (m, ctx, s) => setOrNote(ctx, 'model', g(m), s)],
  [/^Aircraft Tail Number\s+(.+)$/i, (m, ctx, s) => setOrNote(ctx, 'registrationNumber', g(m), s)],
  [/^Aircraft Mode S Transponder Code\s+(.+)$/i, (m, ctx, s) => setOrNote(ctx, 'icaoCode', g(m), s)],
  [
    /^Aircraft Operator\s+(.+)$/i,
    (m, ctx, s) => {
      note(ctx, s);
      const target = link(ctx, g(m));
      if (target !== undefined && hasProp(ctx.entity.schema, 'operator'))
        addValue(ctx.entity, 'operator', target);
    },
  ],
  [
    /^(?:Vessel Registration Identification |Identification Number |Company Number |International Maritime Organization No\.? )?IMO\s+(\d{7})$/i,
    (m, ctx, s) => setOrNote(ctx, 'imoNumber', g(m), s),
  ],
  [/^MMSI\s+(\d+)$/i, (m, ctx, s) => setOrNote(ctx, 'mmsi', g(m), s)],
  [/^Former Vessel Flag\s+(.+)$/i, (m, ctx, s) => countryOrNote(ctx, 'pastFlags', g(m), s)],
  [/^Other Vessel Flag\s+(.+)$/i, (m, ctx, s) => countryOrNote(ctx, 'flag', g(m), s)],
  [/^Other Vessel Call Sign\s+(.+)$/i, (m, ctx, s) => setOrNote(ctx, 'callSign', g(m), s)],
  [/^Other Vessel Type\s+(.+)$/i, (m, ctx, s) => setOrNote(ctx, 'type', g(m), s)],
  [/^Organization Established Date\s+(.+)$/i, (m, ctx, s) => datesOrNote(ctx, 'incorporationDate', g(m), s)],
  [/^Organization Type:\s*(.+)$/i, (m, ctx, s) => setOrNote(ctx, 'sector', g(m), s)],
  [/^Target Type\s+(.+)$/i, (m, ctx, s) => setOrNote(ctx, 'classification', g(m), s)],
  [/^Email(?: Address)?:?\s+(\S+@\S+)$/i, (m, ctx, s) => setOrNote(ctx, 'email', g(m), s)],
  [/^Website:?\s+(\S+)$/i, (m, ctx, s) => setOrNote(ctx, 'website', g(m), s)],
  // Fax numbers go to `phone` too: FtM has no fax property, and they are phone-network numbers worth matching.
  [
    /^(?:Telephone|Phone|Fax)(?: No\.| Number)?:?\s*(\+?[\d()][\d()\s./+-]{4,})$/i,
    (m, ctx, s) => setOrNote(ctx, 'phone', g(m), s),
  ],
];

/** Splits remarks into segments: OFAC separates facts with `;` and ends the list with a full stop. */
export function remarkSegments(text: string): string[] {
  return text
    .trim()
    .replace(/\.$/, '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== '-0-');
}

/** Applies every remark segment to the entry; what no rule understands is kept verbatim in `notes`. */
export function applyRemarks(text: string, ctx: RemarkContext, skip: ReadonlySet<string> = new Set()): void {
  for (const segment of remarkSegments(text)) {
    if (skip.has(segment.replace(/\.$/, ''))) continue;
    const body = segment.replace(/^alt\.\s*/i, '').replace(/\.$/, '');
    let handled = false;
    for (const [re, apply] of RULES) {
      const m = re.exec(body);
      if (!m) continue;
      apply(m, ctx, segment);
      handled = true;
      break;
    }
    if (!handled && !identifier(ctx, body, segment)) note(ctx, segment);
  }
}

// Company-form words, compared without dots so `S.A.` and `SA` are one form.
const FORMS = new Set(companyForms.forms.map((f) => f.toUpperCase().replace(/\./g, '').trim()));
const MAX_FORM_WORDS = Math.max(...[...FORMS].map((f) => f.split(/\s+/).length));

export function hasCompanyForm(name: string): boolean {
  const words = name
    .toUpperCase()
    .replace(/\./g, '')
    .split(/[\s,()"']+/)
    .filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    for (let n = 1; n <= MAX_FORM_WORDS && i + n <= words.length; n++) {
      if (FORMS.has(words.slice(i, i + n).join(' '))) return true;
    }
  }
  return false;
}

/** OFAC joins programmes with `] [` (and sometimes `;`). */
export function splitPrograms(text: string): string[] {
  return text
    .split(/\]\s*\[|;/)
    .map((p) => p.replace(/^\s*\[|\]\s*$/g, '').trim())
    .filter((p) => p !== '' && p !== '-0-');
}
