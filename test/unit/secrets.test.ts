import crypto from 'node:crypto';
import { hashPassword, SCRYPT_PARAMS, verifyPassword } from '../../idp/accounts/password-hasher.js';
import { csrfToken, isValidCsrfToken } from '../../idp/http/csrf.js';
import { SecretBox } from '../../idp/security/encryption.js';

describe('password hashing', () => {
  test('verifies the right password only, with a fresh salt each time', async () => {
    const a = await hashPassword('パスワード-Secret1');
    const b = await hashPassword('パスワード-Secret1');
    expect(a).not.toBe(b);
    expect(a.startsWith(`scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$`)).toBe(true);
    await expect(verifyPassword('パスワード-Secret1', a)).resolves.toBe(true);
    await expect(verifyPassword('パスワード-secret1', a)).resolves.toBe(false);
    await expect(verifyPassword('anything', 'not-a-hash')).resolves.toBe(false);
  });

  test('uses an OWASP-recommended scrypt cost (at least 32 MiB of memory per hash)', () => {
    expect(128 * SCRYPT_PARAMS.N * SCRYPT_PARAMS.r).toBeGreaterThanOrEqual(32 * 1024 * 1024);
  });
});

describe('secrets at rest', () => {
  const box = new SecretBox(crypto.randomBytes(32));

  test('round-trips and never stores the plaintext', () => {
    const sealed = box.seal('client-secret-value');
    expect(sealed).not.toContain('client-secret-value');
    expect(box.open(sealed)).toBe('client-secret-value');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  test('refuses tampered data and the wrong key', () => {
    const sealed = box.seal('value');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox(crypto.randomBytes(32)).open(sealed)).toThrow();
  });
});

test('CSRF tokens are bound to what they protect', () => {
  const token = csrfToken('secret-key', 'interaction-1');
  expect(isValidCsrfToken('secret-key', 'interaction-1', token)).toBe(true);
  expect(isValidCsrfToken('secret-key', 'interaction-2', token)).toBe(false);
  expect(isValidCsrfToken('other-key', 'interaction-1', token)).toBe(false);
  expect(isValidCsrfToken('secret-key', 'interaction-1', undefined)).toBe(false);
});
