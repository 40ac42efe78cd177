import crypto from 'node:crypto';
import { ARGON2_MINIMUM, configurePasswordHashing, hashPassword, needsRehash, verifyPassword } from '../../idp/accounts/password-hasher.js';
import { csrfToken, isValidCsrfToken } from '../../idp/http/csrf.js';
import { SecretBox } from '../../idp/security/encryption.js';

describe('password hashing', () => {
  test('argon2id at OWASP\'s m=19 MiB, t=2, p=1: the right password only, a fresh salt each time', async () => {
    const a = await hashPassword('パスワード-Secret1');
    const b = await hashPassword('パスワード-Secret1');
    expect(a).not.toBe(b);
    expect(a.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    await expect(verifyPassword('パスワード-Secret1', a)).resolves.toBe(true);
    await expect(verifyPassword('パスワード-secret1', a)).resolves.toBe(false);
    await expect(verifyPassword('anything', 'not-a-hash')).resolves.toBe(false);
    await expect(verifyPassword('anything', '$argon2id$v=19$broken')).resolves.toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  test('scrypt hashes of earlier versions still verify and are marked for rehashing', async () => {
    // scrypt N=2^15, r=8, p=3 of "old-password-1", as stored before argon2id.
    const salt = crypto.randomBytes(16);
    const hash = crypto.scryptSync('old-password-1', salt, 32, { N: 2 ** 15, r: 8, p: 3, maxmem: 128 * 2 ** 15 * 8 * 2 });
    const legacy = ['scrypt', 2 ** 15, 8, 3, salt.toString('base64'), hash.toString('base64')].join('$');
    await expect(verifyPassword('old-password-1', legacy)).resolves.toBe(true);
    await expect(verifyPassword('old-password-2', legacy)).resolves.toBe(false);
    expect(needsRehash(legacy)).toBe(true);
  });

  test('the operator may raise the cost, never lower it', () => {
    expect(configurePasswordHashing({ memoryCost: 1024, timeCost: 1 })).toEqual(ARGON2_MINIMUM);
    expect(needsRehash('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA')).toBe(false);
    configurePasswordHashing({ timeCost: 3 });
    expect(needsRehash('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA')).toBe(true);
    configurePasswordHashing({});
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
