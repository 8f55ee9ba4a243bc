// Password hashing and tokens: the stored form, the policy, constant-time checks and the dummy hash.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkPasswordPolicy,
  DUMMY_HASH,
  generatePassword,
  hashPassword,
  hashToken,
  looksLikeToken,
  newToken,
  verifyPassword,
} from './passwords.js';
import { checkUserName, isValidUserName, normaliseCaveats, normaliseClearance } from './users.js';

const PASSWORD = 'correct horse battery staple';

describe('hashPassword / verifyPassword', () => {
  it('encodes scrypt$N$r$p$salt$hash with N=2^15, r=8, p=1 and a 16-byte salt', async () => {
    const encoded = await hashPassword(PASSWORD);
    const parts = encoded.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(parts[4] as string, 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5] as string, 'base64')).toHaveLength(32);
    expect(encoded).not.toContain(PASSWORD);
  });

  it('verifies the right password only, and salts every hash anew', async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).not.toBe(b);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword(PASSWORD, b)).toBe(true);
    expect(await verifyPassword(`${PASSWORD} `, a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('refuses passwords under 12 or over 1024 characters, and never verifies an over-long one', async () => {
    expect(() => checkPasswordPolicy('elevenchars')).toThrow(/at least 12/);
    expect(() => checkPasswordPolicy('twelve chars')).not.toThrow();
    expect(() => checkPasswordPolicy('x'.repeat(1024))).not.toThrow();
    expect(() => checkPasswordPolicy('x'.repeat(1025))).toThrow(/at most 1024/);
    await expect(hashPassword('short')).rejects.toMatchObject({ code: 'USAGE_INVALID' });
    const started = performance.now();
    expect(await verifyPassword('x'.repeat(10_000_000), DUMMY_HASH)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('answers false, without throwing, for malformed or doctored hashes', async () => {
    for (const bad of [
      '',
      'bcrypt$2b$...',
      'scrypt$32768$8$1$salt',
      'scrypt$1000$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==',
      `scrypt$${2 ** 24}$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==`,
      'scrypt$32768$999$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==',
    ])
      expect(await verifyPassword(PASSWORD, bad)).toBe(false);
  });

  it('has a dummy hash with the same parameters that nothing verifies against, taking the same time', async () => {
    const real = await hashPassword(PASSWORD);
    expect(DUMMY_HASH.split('$').slice(0, 4)).toEqual(real.split('$').slice(0, 4));
    expect(await verifyPassword(PASSWORD, DUMMY_HASH)).toBe(false);
    const time = async (hash: string) => {
      const t = performance.now();
      await verifyPassword(PASSWORD, hash);
      return performance.now() - t;
    };
    await time(real);
    const [r, d] = [await time(real), await time(DUMMY_HASH)];
    // Same work either way: scrypt dominates, so the two are within a broad factor of each other.
    expect(d / r).toBeGreaterThan(0.33);
    expect(d / r).toBeLessThan(3);
  });

  it('generates strong passwords that pass the policy', () => {
    const p = generatePassword();
    expect(p).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(() => checkPasswordPolicy(p)).not.toThrow();
    expect(generatePassword()).not.toBe(p);
  });
});

describe('tokens', () => {
  it('are nx_ and 32 random bytes in base64url, stored as their SHA-256 in hex', () => {
    const t = newToken();
    expect(t).toMatch(/^nx_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t.slice(3), 'base64url')).toHaveLength(32);
    expect(looksLikeToken(t)).toBe(true);
    expect(looksLikeToken(`${t}x`)).toBe(false);
    expect(newToken()).not.toBe(t);
    expect(hashToken(t)).toBe(createHash('sha256').update(t).digest('hex'));
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('user fields', () => {
  it('validates names and normalises clearances and caveats', () => {
    expect(isValidUserName('a.b_c-9')).toBe(true);
    for (const bad of ['', 'a b', 'x'.repeat(65), 'ünï', 'a/b', "o'neil"])
      expect(isValidUserName(bad)).toBe(false);
    expect(() => checkUserName('a b', 'test')).toThrow(/1-64/);
    expect(normaliseClearance('official-sensitive')).toBe('OFFICIAL-SENSITIVE');
    expect(normaliseClearance('secret uk eyes only')).toBe('SECRET UK EYES ONLY');
    expect(() => normaliseClearance('ULTRA')).toThrow();
    expect(normaliseCaveats(['uk eyes only', 'LOCSEN', 'locsen', ' '])).toEqual(['LOCSEN', 'UK EYES ONLY']);
    expect(() => normaliseCaveats(['NOFORN'])).toThrow();
  });
});
