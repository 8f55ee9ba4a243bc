// Cleaning and validation of property values per FollowTheMoney type; invalid values come back with a reason.

import { countryCode } from './countries.js';
import { cleanIsoDate } from './dates.js';
import type { Property } from './ftm.js';
import { topics } from './ftm.js';
import { entityIdProblem } from './ids.js';

export type Cleaned = { ok: true; value: string } | { ok: false; reason: string };

// C0/C1 control characters other than tab and newline have no place in a value.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/;
const NUMBER = /^-?\d+(?:[.,]\d+)?$/;
const GENDERS = new Set(['male', 'female', 'other']);
const CHECKSUM = /^[0-9a-f]{40}$/;

function singleLine(text: string): string {
  return text.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

function ok(value: string): Cleaned {
  return { ok: true, value };
}

function bad(reason: string): Cleaned {
  return { ok: false, reason };
}

/** Cleans one raw value for a property; numbers are accepted and turned into text. */
export function cleanValue(prop: Property, raw: unknown): Cleaned {
  if (typeof raw === 'number' && Number.isFinite(raw)) raw = String(raw);
  if (typeof raw === 'boolean') raw = String(raw);
  if (typeof raw !== 'string') return bad(`expected text, got ${raw === null ? 'null' : typeof raw}`);
  const type = prop.type.name;
  const text =
    type === 'text' || type === 'html' || type === 'json' ? raw.replace(CONTROL, '').trim() : singleLine(raw);
  if (text === '') return bad('empty value');
  if (text.length > RAW_LIMIT) return bad(`longer than ${RAW_LIMIT} characters`);
  const cleaned = cleanByType(type, text);
  if (!cleaned.ok) return cleaned;
  // FtM's length limits apply to the cleaned form: "Democratic People's Republic of Korea" becomes "kp".
  const max = prop.maxLength > 0 ? prop.maxLength : prop.type.maxLength;
  if (max > 0 && cleaned.value.length > max) return bad(`longer than ${max} characters`);
  return cleaned;
}

const RAW_LIMIT = 65_000;

function cleanByType(type: string, text: string): Cleaned {
  switch (type) {
    case 'date': {
      const date = cleanIsoDate(text);
      return date === undefined
        ? bad(`"${clip(text)}" is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)`)
        : ok(date);
    }
    case 'country': {
      const code = countryCode(text);
      return code === undefined ? bad(`"${clip(text)}" is not a known country`) : ok(code);
    }
    case 'topic':
      return topics.has(text) ? ok(text) : bad(`"${clip(text)}" is not an FtM topic`);
    case 'entity': {
      const problem = entityIdProblem(text);
      return problem === undefined ? ok(text) : bad(`entity reference: ${problem}`);
    }
    case 'email':
      return EMAIL.test(text) ? ok(text.toLowerCase()) : bad(`"${clip(text)}" is not an email address`);
    case 'ip':
      return IPV4.test(text) || (text.includes(':') && IPV6.test(text))
        ? ok(text)
        : bad(`"${clip(text)}" is not an IP address`);
    case 'iban': {
      const iban = text.replace(/\s+/g, '').toUpperCase();
      return IBAN.test(iban) ? ok(iban) : bad(`"${clip(text)}" is not an IBAN`);
    }
    case 'number': {
      const num = text.replace(/[\s_]/g, '');
      return NUMBER.test(num) || NUMBER.test(num.replace(/,/g, ''))
        ? ok(num.replace(/,(?=\d{3}\b)/g, ''))
        : bad(`"${clip(text)}" is not a number`);
    }
    case 'gender': {
      const g = text.toLowerCase();
      if (g === 'm') return ok('male');
      if (g === 'f') return ok('female');
      return GENDERS.has(g) ? ok(g) : bad(`"${clip(text)}" is not male, female or other`);
    }
    case 'phone': {
      const phone = text.replace(/[\s().-]/g, '');
      return /^\+?\d{4,20}$/.test(phone) ? ok(phone) : bad(`"${clip(text)}" is not a phone number`);
    }
    case 'url':
      if (/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(text)) return ok(text);
      // Lists often write bare host names ("www.bank.ir"); FtM stores them as http URLs.
      return /^[\w-]+(\.[\w-]+)+(\/\S*)?$/.test(text)
        ? ok(`http://${text}`)
        : bad(`"${clip(text)}" is not a URL`);
    case 'checksum':
      return CHECKSUM.test(text.toLowerCase())
        ? ok(text.toLowerCase())
        : bad(`"${clip(text)}" is not a SHA1 checksum`);
    case 'language':
      return /^[a-z]{3}$/.test(text.toLowerCase())
        ? ok(text.toLowerCase())
        : bad(`"${clip(text)}" is not an ISO 639-2 language code`);
    case 'mimetype':
      return /^[a-z]+\/[a-z0-9.+-]+/i.test(text)
        ? ok(text.toLowerCase())
        : bad(`"${clip(text)}" is not a MIME type`);
    default:
      return ok(text);
  }
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
