// TOTP: RFC 6238 Appendix B (SHA-1), RFC 4226 Appendix D, base32, the otpauth URI and the verification window.
import { describe, expect, it } from 'vitest';
import {
  base32Decode,
  base32Encode,
  DUMMY_TOTP_SECRET,
  generateTotpSecret,
  hotp,
  isTotpSecret,
  timeStep,
  totpCode,
  totpUri,
  verifyTotp,
} from './totp.js';

const RFC_KEY = Buffer.from('12345678901234567890', 'ascii');
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const at = (seconds: number) => new Date(seconds * 1000);

describe('RFC test vectors', () => {
  it('gives the SHA-1 codes of RFC 6238 Appendix B (8 digits)', () => {
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, code] of vectors) {
      expect(totpCode(RFC_KEY, at(seconds), { digits: 8 }), String(seconds)).toBe(code);
      expect(totpCode(RFC_SECRET, at(seconds), { digits: 8 })).toBe(code);
      expect(verifyTotp(RFC_SECRET, code, at(seconds), { digits: 8 })).toBe(timeStep(at(seconds)));
    }
  });

  it('gives the HOTP values of RFC 4226 Appendix D (6 digits)', () => {
    const codes = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871'];
    codes.forEach((code, counter) => {
      expect(hotp(RFC_KEY, counter)).toBe(code);
    });
    expect(totpCode(RFC_KEY, at(59))).toBe('287082');
  });
});

describe('base32 and secrets', () => {
  it('encodes and decodes RFC 4648 base32 without padding', () => {
    expect(base32Encode(RFC_KEY)).toBe(RFC_SECRET);
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('mzxw 6ytb oi======')?.toString()).toBe('foobar');
    expect(base32Decode('not base32!')).toBeUndefined();
  });

  it('makes 20 random bytes as 32 base32 characters, a new one each time', () => {
    const a = generateTotpSecret();
    const b = generateTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(a)).toHaveLength(20);
    expect(a).not.toBe(b);
    expect(isTotpSecret(a)).toBe(true);
    expect(isTotpSecret(DUMMY_TOTP_SECRET)).toBe(true);
    for (const bad of ['', 'abcdefghijklmnop', 'ABCDEFGH', 'ABCDEFGHIJKLMNO1', 'A'.repeat(200)])
      expect(isTotpSecret(bad), bad).toBe(false);
  });

  it('writes the otpauth URI authenticator apps read, issuer Nexus', () => {
    const text = totpUri(RFC_SECRET, 'alice.b');
    expect(text.startsWith('otpauth://totp/Nexus:alice.b?')).toBe(true);
    const uri = new URL(text);
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: RFC_SECRET,
      issuer: 'Nexus',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});

describe('verifyTotp', () => {
  const now = at(1_700_000_015); // the middle of a step
  const step = timeStep(now);
  const codeAt = (s: number) => hotp(RFC_KEY, s);

  it('accepts the current step and one either side, and says which step matched', () => {
    expect(verifyTotp(RFC_SECRET, codeAt(step), now)).toBe(step);
    expect(verifyTotp(RFC_SECRET, codeAt(step - 1), now)).toBe(step - 1);
    expect(verifyTotp(RFC_SECRET, codeAt(step + 1), now)).toBe(step + 1);
    expect(verifyTotp(RFC_SECRET, codeAt(step - 2), now)).toBeUndefined();
    expect(verifyTotp(RFC_SECRET, codeAt(step + 2), now)).toBeUndefined();
    expect(verifyTotp(RFC_SECRET, codeAt(step - 1), now, { window: 0 })).toBeUndefined();
  });

  it('ignores spaces, and refuses anything but the right number of digits', () => {
    const code = codeAt(step);
    expect(verifyTotp(RFC_SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(step);
    for (const bad of ['', code.slice(1), `${code}0`, 'abcdef', '-12345', '１２３４５６'])
      expect(verifyTotp(RFC_SECRET, bad, now), bad).toBeUndefined();
    expect(verifyTotp(generateTotpSecret(), code, now)).toBeUndefined();
    expect(verifyTotp(RFC_SECRET, '000000', at(0))).toBe(hotp(RFC_KEY, 0) === '000000' ? 0 : undefined);
  });

  it('refuses bad parameters with USAGE_INVALID', () => {
    expect(() => totpCode(RFC_SECRET, now, { digits: 5 })).toThrow(/digits/);
    expect(() => verifyTotp('not base32!', '123456', now)).toThrow(/base32/);
    expect(() => verifyTotp(RFC_SECRET, '123456', now, { window: -1 })).toThrow(/window/);
  });
});
