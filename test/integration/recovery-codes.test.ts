import crypto from 'node:crypto';
import { ensureAccount } from '../../idp/accounts/account-repository.js';
import { upsertMembers } from '../../idp/members/member-repository.js';
import {
  deleteRecoveryCodes, generateRecoveryCodes, normalizeRecoveryCode, RECOVERY_CODE_COUNT, recoveryCodeSummary,
  remainingRecoveryCodes, useRecoveryCode,
} from '../../idp/mfa/recovery-codes.js';
import { SecretBox } from '../../idp/security/encryption.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

// Only the repository: no IdP stack is needed (or started) for these rules.
const ALPHA = { slug: 'alpha', name: 'アルファ健康保険組合', insurerNumber: '06130001' };
let database: TestDatabase;
let members = 0;
const key = { box: new SecretBox(crypto.randomBytes(32)), legacyKey: crypto.randomBytes(32).toString('base64url') };

beforeAll(async () => {
  database = await createTestDatabase();
  await saveUnion(database.db, ALPHA);
});
afterAll(() => database?.drop());

async function newAccount(): Promise<string> {
  members += 1;
  const [member] = await upsertMembers(database.db, 'alpha', [{
    insurerNumber: ALPHA.insurerNumber, kigo: '100', bango: String(30000 + members), edaban: '00',
    nameKanji: '試験 花子', nameKana: 'シケン ハナコ', birthdate: '1979-08-22', relation: '本人',
  }]);
  return (await ensureAccount(database.db, 'alpha', member.id)).id;
}

test('10 distinct codes of 10 Crockford characters (50 bits), grouped XXXXX-XXXXX', async () => {
  const accountId = await newAccount();
  const codes = await generateRecoveryCodes(database.db, accountId, key);
  expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
  expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
  for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
  expect(await remainingRecoveryCodes(database.db, accountId)).toBe(10);
  expect(await recoveryCodeSummary(database.db, accountId)).toEqual({ total: 10, remaining: 10 });
});

test('each code works exactly once; the count of remaining codes goes down', async () => {
  const accountId = await newAccount();
  const codes = await generateRecoveryCodes(database.db, accountId, key);
  for (const [i, code] of codes.entries()) {
    expect(await useRecoveryCode(database.db, accountId, code, key)).toEqual({ ok: true, remaining: RECOVERY_CODE_COUNT - i - 1 });
    expect(await useRecoveryCode(database.db, accountId, code, key)).toEqual({ ok: false });
  }
  expect(await recoveryCodeSummary(database.db, accountId)).toEqual({ total: 10, remaining: 0 });
});

test('typed input is normalised: lower case, no hyphen, spaces, full-width, 「ー」, O for 0 and I/L for 1', async () => {
  const accountId = await newAccount();
  const [a, b, c, d] = await generateRecoveryCodes(database.db, accountId, key);
  const fullWidth = (s: string) => s.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
  expect(await useRecoveryCode(database.db, accountId, a.toLowerCase().replace('-', ''), key)).toMatchObject({ ok: true });
  expect(await useRecoveryCode(database.db, accountId, ` ${b.slice(0, 3)} ${b.slice(3)} `, key)).toMatchObject({ ok: true });
  expect(await useRecoveryCode(database.db, accountId, fullWidth(c).replace('－', 'ー'), key)).toMatchObject({ ok: true });
  const lookAlikes = d.replace(/0/g, 'o').replace(/1/g, 'l');
  expect(await useRecoveryCode(database.db, accountId, lookAlikes, key)).toMatchObject({ ok: true, remaining: 6 });
  expect(normalizeRecoveryCode('ABCDE-FGHJU')).toBeUndefined(); // U is not in the alphabet
  expect(normalizeRecoveryCode('ABCDE-FGHJ')).toBeUndefined();
  expect(normalizeRecoveryCode('x'.repeat(10_000))).toBeUndefined();
});

test('a wrong code, another member\'s code or the right code with another key fails', async () => {
  const accountId = await newAccount();
  const other = await newAccount();
  const [code] = await generateRecoveryCodes(database.db, accountId, key);
  const [otherCode] = await generateRecoveryCodes(database.db, other, key);
  expect(await useRecoveryCode(database.db, accountId, 'ZZZZZ-ZZZZZ', key)).toEqual({ ok: false });
  expect(await useRecoveryCode(database.db, accountId, otherCode, key)).toEqual({ ok: false });
  expect(await useRecoveryCode(database.db, accountId, code, { ...key, box: new SecretBox(crypto.randomBytes(32)) })).toEqual({ ok: false });
  expect(await useRecoveryCode(database.db, accountId, '', key)).toEqual({ ok: false });
  expect(await remainingRecoveryCodes(database.db, accountId)).toBe(10);
  // A member without codes: nothing to match, no error.
  expect(await useRecoveryCode(database.db, await newAccount(), code, key)).toEqual({ ok: false });
});

test('concurrent uses of one code: exactly one succeeds', async () => {
  const accountId = await newAccount();
  const [code, second] = await generateRecoveryCodes(database.db, accountId, key);
  const outcomes = await Promise.all(Array.from({ length: 6 }, () => useRecoveryCode(database.db, accountId, code, key)));
  expect(outcomes.filter((o) => o.ok)).toEqual([{ ok: true, remaining: 9 }]);
  // Two different codes at once both work.
  const both = await Promise.all([useRecoveryCode(database.db, accountId, second, key), useRecoveryCode(database.db, accountId, 'x', key)]);
  expect(both[0]).toMatchObject({ ok: true });
  expect(await remainingRecoveryCodes(database.db, accountId)).toBe(8);
});

test('regenerating kills the old set, used and unused', async () => {
  const accountId = await newAccount();
  const old = await generateRecoveryCodes(database.db, accountId, key);
  await useRecoveryCode(database.db, accountId, old[0], key);
  const fresh = await generateRecoveryCodes(database.db, accountId, key);
  expect(await recoveryCodeSummary(database.db, accountId)).toEqual({ total: 10, remaining: 10 });
  for (const code of old.slice(1)) expect(await useRecoveryCode(database.db, accountId, code, key)).toEqual({ ok: false });
  expect(await useRecoveryCode(database.db, accountId, fresh[3], key)).toMatchObject({ ok: true, remaining: 9 });
});

test('only keyed hashes are stored: no plain code, and a dump alone cannot test a guess', async () => {
  const accountId = await newAccount();
  const codes = await generateRecoveryCodes(database.db, accountId, key);
  const rows = await database.db('recovery_codes').where({ account_id: accountId });
  expect(rows).toHaveLength(10);
  const dump = JSON.stringify(rows);
  for (const code of codes) {
    expect(dump).not.toContain(code);
    expect(dump).not.toContain(code.replace('-', ''));
    // Unkeyed SHA-256 of the code does not appear either.
    expect(dump).not.toContain(crypto.createHash('sha256').update(code.replace('-', '')).digest('hex'));
  }
  for (const row of rows) {
    expect(row.code_hash).toMatch(/^v2:[0-9a-f]{64}$/);
    expect(row.used_at).toBeNull();
  }
});

test('deleteRecoveryCodes (admin MFA reset) removes the member\'s set and no one else\'s', async () => {
  const accountId = await newAccount();
  const other = await newAccount();
  const [code] = await generateRecoveryCodes(database.db, accountId, key);
  await generateRecoveryCodes(database.db, other, key);
  expect(await deleteRecoveryCodes(database.db, accountId)).toBe(10);
  expect(await recoveryCodeSummary(database.db, accountId)).toEqual({ total: 0, remaining: 0 });
  expect(await useRecoveryCode(database.db, accountId, code, key)).toEqual({ ok: false });
  expect(await remainingRecoveryCodes(database.db, other)).toBe(10);
});

test('codes have a key of their own: a new set survives a COOKIE_KEYS rotation; an older set keeps its cookie key', async () => {
  const accountId = await newAccount();
  const [code] = await generateRecoveryCodes(database.db, accountId, key);
  expect(await useRecoveryCode(database.db, accountId, code, { ...key, legacyKey: 'the-rotated-cookie-key' })).toMatchObject({ ok: true });

  // A row of a set made before: keyed with the first cookie key, unmarked. It works once, with that key only.
  const older = await newAccount();
  const hash = crypto.createHmac('sha256', key.legacyKey).update(`recovery:${older}:ABCDE12345`).digest('hex');
  await database.db('recovery_codes').insert({ id: crypto.randomUUID(), account_id: older, code_hash: hash, created_at: Date.now(), used_at: null });
  expect(await useRecoveryCode(database.db, older, 'ABCDE-12345', { ...key, legacyKey: 'another-cookie-key' })).toEqual({ ok: false });
  expect(await useRecoveryCode(database.db, older, 'ABCDE-12345', key)).toEqual({ ok: true, remaining: 0 });
  expect(await useRecoveryCode(database.db, older, 'ABCDE-12345', key)).toEqual({ ok: false });
});
