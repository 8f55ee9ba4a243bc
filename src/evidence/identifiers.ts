// Identifiers found in free text, each kept only when its own check passes: e-mail addresses, phone numbers written
// in international form (E.164 through libphonenumber-js, Google's metadata), IBANs (ISO 13616 mod 97), Bitcoin
// addresses (Base58Check, and bech32/bech32m per BIP 173/350), Ethereum addresses, IMO ship numbers (check digit) and
// LEIs (ISO 17442, mod 97-10).
import { createHash } from 'node:crypto';
import { findPhoneNumbersInText } from 'libphonenumber-js';
import { normaliseAddress } from '../model/index.js';

export type IdentifierKind = 'email' | 'phone' | 'iban' | 'btc' | 'eth' | 'imo' | 'lei';

export interface FoundIdentifier {
  kind: IdentifierKind;
  /** The normalised value: lower-case e-mail, E.164 phone, compact IBAN, address, 7-digit IMO, LEI. */
  value: string;
  start: number;
  end: number;
}

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
const BTC_BASE58 = /\b[13][1-9A-HJ-NP-Za-km-z]{25,34}\b/g;
const BTC_BECH32 = /\bbc1[ac-hj-np-z02-9]{11,71}\b/gi;
const ETH = /\b0x[0-9a-fA-F]{40}\b/g;
const IMO = /\bIMO[\s:#.-]{0,3}(\d{7})\b/gi;
const LEI = /\b[0-9A-Z]{18}[0-9]{2}\b/g;

/** ISO 7064 mod 97-10 over letters-as-numbers (A=10 ... Z=35), as IBAN and LEI both use it. */
function mod97(text: string): number {
  let r = 0;
  for (const ch of text) {
    const v = Number.parseInt(ch, 36);
    if (Number.isNaN(v)) return -1;
    for (const d of String(v)) r = (r * 10 + Number(d)) % 97;
  }
  return r;
}

export function validIban(compact: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  return mod97(compact.slice(4) + compact.slice(0, 4)) === 1;
}

export function validLei(lei: string): boolean {
  return /^[0-9A-Z]{18}[0-9]{2}$/.test(lei) && /[A-Z]/.test(lei) && mod97(lei) === 1;
}

/** IMO numbers: the seventh digit is the sum of the first six weighted 7..2, mod 10. */
export function validImo(digits: string): boolean {
  if (!/^\d{7}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += Number(digits[i]) * (7 - i);
  return sum % 10 === Number(digits[6]);
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Base58Check: version byte 0 (P2PKH) or 5 (P2SH), and the double-SHA-256 checksum. */
export function validBase58Btc(address: string): boolean {
  let n = 0n;
  for (const ch of address) {
    const v = B58.indexOf(ch);
    if (v < 0) return false;
    n = n * 58n + BigInt(v);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for (const ch of address) {
    if (ch !== '1') break;
    bytes.unshift(0);
  }
  if (bytes.length !== 25 || (bytes[0] !== 0 && bytes[0] !== 5)) return false;
  const body = Buffer.from(bytes.slice(0, 21));
  const sum = createHash('sha256').update(createHash('sha256').update(body).digest()).digest();
  return sum.subarray(0, 4).equals(Buffer.from(bytes.slice(21)));
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i] as number;
  }
  return chk >>> 0;
}

/** bech32 (witness v0, BIP 173) or bech32m (v1+, BIP 350) with the `bc` prefix. */
export function validBech32Btc(address: string): boolean {
  const a = address.toLowerCase();
  if (a !== address && address.toUpperCase() !== address) return false;
  const data = [...a.slice(3)].map((c) => BECH32.indexOf(c));
  if (data.some((d) => d < 0) || data.length < 7) return false;
  const expanded = [...'bc']
    .map((c) => c.charCodeAt(0) >> 5)
    .concat(
      [0],
      [...'bc'].map((c) => c.charCodeAt(0) & 31),
    );
  const check = polymod([...expanded, ...data]);
  const version = data[0] as number;
  return version === 0 ? check === 1 : check === 0x2bc830a3;
}

/** Every identifier in the text whose check passes, in order of position. */
export function findIdentifiers(text: string): FoundIdentifier[] {
  const out: FoundIdentifier[] = [];
  const push = (kind: IdentifierKind, value: string, start: number, length: number) =>
    out.push({ kind, value, start, end: start + length });
  for (const m of text.matchAll(EMAIL)) push('email', m[0].toLowerCase(), m.index, m[0].length);
  for (const m of text.matchAll(IBAN)) {
    const compact = m[0].replace(/ /g, '');
    if (validIban(compact)) push('iban', compact, m.index, m[0].length);
  }
  for (const m of text.matchAll(BTC_BASE58))
    if (validBase58Btc(m[0])) push('btc', m[0], m.index, m[0].length);
  for (const m of text.matchAll(BTC_BECH32))
    if (validBech32Btc(m[0])) push('btc', m[0].toLowerCase(), m.index, m[0].length);
  // EIP-55 mixed-case checksums need Keccak-256, which Node's crypto lacks: Ethereum addresses are matched by form.
  for (const m of text.matchAll(ETH)) push('eth', normaliseAddress(m[0]), m.index, m[0].length);
  for (const m of text.matchAll(IMO))
    if (validImo(m[1] as string)) push('imo', m[1] as string, m.index, m[0].length);
  for (const m of text.matchAll(LEI)) if (validLei(m[0])) push('lei', m[0], m.index, m[0].length);
  // Without a default country only numbers written internationally (+44 ...) are taken: a national number alone
  // cannot be put in E.164 form without guessing its country.
  for (const p of findPhoneNumbersInText(text))
    push('phone', p.number.number, p.startsAt, p.endsAt - p.startsAt);
  return out.sort((a, b) => a.start - b.start || a.kind.localeCompare(b.kind));
}
