import { birthdate, memberInput } from '../../idp/admin/schemas.js';
import { loadIdpConfig } from '../../idp/config.js';
import { DEFAULT_POLICY, resolvePolicy } from '../../idp/unions/policy.js';

describe('union policy', () => {
  test('a union that says nothing gets the defaults (lockout after 11, temporary IDs for 90 days)', () => {
    expect(resolvePolicy({})).toEqual(DEFAULT_POLICY);
    expect(DEFAULT_POLICY.lockoutThreshold).toBe(11);
    expect(DEFAULT_POLICY.temporaryCredentialDays).toBe(90);
  });

  test('stored values override defaults; values of the wrong type are ignored', () => {
    const policy = resolvePolicy({ lockoutThreshold: 5, temporaryCredentialDays: 'soon', mail: { noReply: 'no-reply@kenpo.example' } });
    expect(policy.lockoutThreshold).toBe(5);
    expect(policy.temporaryCredentialDays).toBe(90);
    expect(policy.mail).toEqual({ ...DEFAULT_POLICY.mail, noReply: 'no-reply@kenpo.example' });
  });
});

describe('birthdate input', () => {
  test.each([['19790822', '1979-08-22'], ['1979-08-22', '1979-08-22'], ['20000229', '2000-02-29']])('%s is %s', (input, iso) => {
    expect(birthdate.parse(input)).toBe(iso);
  });
  test.each(['19790231', '19790822x', '1979822', '18991231', '29990101', ''])('%s is refused', (input) => {
    expect(birthdate.safeParse(input).success).toBe(false);
  });
});

test('member input defaults 枝番 to 00 and refuses unknown fields', () => {
  const base = { insurerNumber: '06139999', kigo: '12', bango: '345', nameKanji: '山田 太郎', nameKana: 'ヤマダ タロウ', birthdate: '19790822', relation: '本人' };
  expect(memberInput.parse(base).edaban).toBe('00');
  expect(memberInput.safeParse({ ...base, role: 'admin' }).success).toBe(false);
});

describe('configuration', () => {
  const valid = { COOKIE_KEYS: 'a'.repeat(32), DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') };

  test('needs cookie keys and a 32-byte data key, and says which one is wrong', () => {
    expect(() => loadIdpConfig({ ...valid, COOKIE_KEYS: '' })).toThrow(/COOKIE_KEYS/);
    expect(() => loadIdpConfig({ ...valid, COOKIE_KEYS: 'short' })).toThrow(/32 characters/);
    expect(() => loadIdpConfig({ ...valid, DATA_ENCRYPTION_KEY: 'abcd' })).toThrow(/DATA_ENCRYPTION_KEY/);
  });

  test('defaults to the local demo URL and an SQLite file; DATABASE_URL switches to PostgreSQL', () => {
    const config = loadIdpConfig(valid);
    expect(config.baseUrl).toBe('http://localhost:3000');
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toMatch(/data\/kenpo-id\.sqlite$/);
    expect(loadIdpConfig({ ...valid, DATABASE_URL: 'postgres://db/kenpo' }).databaseUrl).toBe('postgres://db/kenpo');
    expect(loadIdpConfig({ ...valid, COOKIE_KEYS: `${'n'.repeat(32)}, ${'o'.repeat(32)}` }).cookieKeys).toHaveLength(2);
  });
});
