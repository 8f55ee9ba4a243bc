// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1): the second login factor of R16.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { NexusError } from '../model/index.js';

export const TOTP_ISSUER = 'Nexus';
export const TOTP_DIGITS = 6;
/** Seconds per time step. */
export const TOTP_PERIOD = 30;
/** Steps accepted either side of the current one, for clocks that drift and codes typed at a step's end. */
export const TOTP_WINDOW = 1;
const SECRET_BYTES = 20;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** A stored secret: base32 (RFC 4648, no padding) of 10 to 64 bytes. */
const SECRET = /^[A-Z2-7]{16,103}$/;

/**
 * A secret nobody holds, checked when a user has no TOTP (or does not exist), so every login does the same work
 * whether or not a second factor is enrolled.
 */
export const DUMMY_TOTP_SECRET: string = base32Encode(randomBytes(SECRET_BYTES));

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 (any case, spaces and `=` padding ignored); undefined when it holds anything else. */
export function base32Decode(text: string): Buffer | undefined {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  if (!/^[A-Z2-7]*$/.test(clean)) return undefined;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    value = (value << 5) | ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}

/** True for a secret as the store keeps it: upper-case base32 without padding, 10 to 64 bytes. */
export function isTotpSecret(secret: string): boolean {
  return SECRET.test(secret);
}

/** A new secret: 20 random bytes (the HMAC-SHA1 key size RFC 4226 recommends) in base32, 32 characters. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(SECRET_BYTES));
}

/** The `otpauth://` URI authenticator apps read (usually as a QR code), labelled `Nexus:ACCOUNT`. */
export function totpUri(secret: string, account: string, issuer = TOTP_ISSUER): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({
    secret,
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}

function checkDigits(digits: number): number {
  if (!Number.isInteger(digits) || digits < 6 || digits > 9)
    throw new NexusError('USAGE_INVALID', 'totp: digits is a whole number from 6 to 9');
  return digits;
}

/** RFC 4226 HOTP: HMAC-SHA1 of the 8-byte big-endian counter, dynamically truncated to `digits` digits. */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  checkDigits(digits);
  if (!Number.isSafeInteger(counter) || counter < 0)
    throw new NexusError('USAGE_INVALID', 'totp: the counter is a whole number from 0');
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The time step a moment falls in: whole periods since the Unix epoch. */
export function timeStep(at: Date, period = TOTP_PERIOD): number {
  return Math.floor(at.getTime() / 1000 / period);
}

export interface TotpOptions {
  /** Digits of the code, 6 (default) to 9; RFC 6238's test vectors use 8. */
  digits?: number;
  /** Seconds per step; default 30. */
  period?: number;
  /** Steps accepted either side of the current one; default 1. */
  window?: number;
}

function keyOf(secret: string | Uint8Array): Buffer {
  if (typeof secret !== 'string') return Buffer.from(secret);
  const key = base32Decode(secret);
  if (!key || key.length === 0) throw new NexusError('USAGE_INVALID', 'totp: the secret is not base32');
  return key;
}

/** The code for a moment; the secret in base32, or the raw key bytes. */
export function totpCode(secret: string | Uint8Array, at: Date, options: TotpOptions = {}): string {
  return hotp(keyOf(secret), timeStep(at, options.period ?? TOTP_PERIOD), options.digits ?? TOTP_DIGITS);
}

/**
 * The time step whose code `code` is, within the window around `at`, or undefined. Every step of the window is
 * computed and compared in constant time, whatever matches, so the time taken says nothing about the code. The
 * caller must still refuse a step already used (the store records the last one per user), or a code could be
 * replayed while it is valid. Spaces in the code are ignored; anything but digits of the right length fails.
 */
export function verifyTotp(
  secret: string | Uint8Array,
  code: string,
  at: Date,
  options: TotpOptions = {},
): number | undefined {
  const digits = checkDigits(options.digits ?? TOTP_DIGITS);
  const window = options.window ?? TOTP_WINDOW;
  if (!Number.isInteger(window) || window < 0 || window > 10)
    throw new NexusError('USAGE_INVALID', 'totp: window is a whole number from 0 to 10');
  const key = keyOf(secret);
  const typed = code.replace(/\s/g, '');
  const wellFormed = typed.length === digits && /^\d+$/.test(typed);
  // A malformed code is still compared (as zeros), so it takes as long as a wrong one.
  const given = Buffer.from(wellFormed ? typed : '0'.repeat(digits));
  const now = timeStep(at, options.period ?? TOTP_PERIOD);
  let found: number | undefined;
  for (let step = now - window; step <= now + window; step++) {
    if (step < 0) continue;
    const same = timingSafeEqual(Buffer.from(hotp(key, step, digits)), given);
    if (same && wellFormed && found === undefined) found = step;
  }
  return found;
}
