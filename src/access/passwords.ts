// Password hashing (scrypt) and bearer tokens: what is stored is never what the user holds.
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { NexusError } from '../model/index.js';

/** scrypt cost: N = 2^15, r = 8, p = 1 (OWASP's minimum for scrypt), 32-byte key, 16-byte random salt. */
export const SCRYPT_N = 2 ** 15;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

export const MIN_PASSWORD_CHARS = 12;
/** Longer passwords are refused outright, so nobody can make the server hash megabytes. */
export const MAX_PASSWORD_CHARS = 1024;

/**
 * The hash of a random password nobody knows, with the same parameters as real hashes. Login verifies against it
 * when the user does not exist, so an unknown name costs the same time as a wrong password (no user enumeration).
 */
export const DUMMY_HASH =
  'scrypt$32768$8$1$suUs2hoDkBvkPT1dyh8FbQ==$bHujcSkwcOe3uxRTFTJEXuKrJiKb9BmBzdph8xMTzXk=';

const TOKEN_PREFIX = 'nx_';
const TOKEN = /^nx_[A-Za-z0-9_-]{43}$/;

function derive(
  password: string,
  salt: Buffer,
  n: number,
  r: number,
  p: number,
  len: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs about 128 * N * r bytes (32 MiB here), which is exactly Node's default cap: allow double.
    scrypt(password.normalize('NFC'), salt, len, { N: n, r, p, maxmem: 256 * n * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Length in code points; anything over twice the maximum in UTF-16 units is too long without counting. */
function chars(password: string): number {
  return password.length > 2 * MAX_PASSWORD_CHARS ? password.length : [...password].length;
}

/** Throws USAGE_INVALID unless the password has 12 to 1024 characters. */
export function checkPasswordPolicy(password: string): void {
  const n = chars(password);
  if (n < MIN_PASSWORD_CHARS)
    throw new NexusError('USAGE_INVALID', `password: at least ${MIN_PASSWORD_CHARS} characters, please`);
  if (n > MAX_PASSWORD_CHARS)
    throw new NexusError('USAGE_INVALID', `password: at most ${MAX_PASSWORD_CHARS} characters`);
}

/** `scrypt$N$r$p$salt_b64$hash_b64`, after checking the policy. */
export async function hashPassword(password: string): Promise<string> {
  checkPasswordPolicy(password);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES);
  return `scrypt$${SCRYPT_N}$${SCRYPT_R}$${SCRYPT_P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface Parsed {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(encoded: string): Parsed | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [n, r, p] = parts.slice(1, 4).map((x) => (/^\d{1,8}$/.test(x ?? '') ? Number(x) : Number.NaN));
  // Bounds on what a stored hash may ask for, so a doctored row cannot make a login take seconds or gigabytes.
  if (n === undefined || r === undefined || p === undefined) return undefined;
  if (!(n >= 2 && n <= 2 ** 17 && (n & (n - 1)) === 0 && r >= 1 && r <= 16 && p >= 1 && p <= 4))
    return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length < 8 || key.length < 16 || key.length > 128) return undefined;
  return { n, r, p, salt, key };
}

/**
 * True when the password matches the encoded hash, compared in constant time. A malformed hash or a password
 * outside the length bounds is simply false; verification never throws for what a client sends.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) return false;
  const n = chars(password);
  if (n === 0 || n > MAX_PASSWORD_CHARS) return false;
  const key = await derive(password, parsed.salt, parsed.n, parsed.r, parsed.p, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/** A strong password for a new user: 24 characters of base64url (144 random bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** A bearer token: `nx_` and 32 random bytes in base64url. Shown once; only its SHA-256 is stored. */
export function newToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function looksLikeToken(value: string): boolean {
  return TOKEN.test(value);
}

/** SHA-256 of a token in lower-case hex: what the store keeps and looks sessions up by. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
