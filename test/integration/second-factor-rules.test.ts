import crypto from 'node:crypto';
import { findAccount, markInitialPassword, updateAccount } from '../../idp/accounts/account-repository.js';
import { addCredential } from '../../idp/mfa/credentials.js';
import { ACR, levelOf, proofLevel, requestedLevel } from '../../idp/mfa/levels.js';
import { loginProof, loginWithProof, mfaStateOf } from '../../idp/mfa/login-proof.js';
import { generateRecoveryCodes } from '../../idp/mfa/recovery-codes.js';
import { nextSecondFactorStep, proofComesFirst, usesSecondFactor, type LoginSoFar } from '../../idp/mfa/requirement.js';
import { createLink, consumeLink } from '../../idp/accounts/one-time-links.js';
import { SecretBox } from '../../idp/security/encryption.js';
import { findUnion, saveUnion, type Union } from '../../idp/unions/union-repository.js';
import type { MfaMethod } from '../../idp/unions/policy.js';
import { newMemberAccount } from '../helpers/accounts.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * What a login must prove next (SPEC §7), decided on the real database for members in every state:
 * a factor is proven before anything is set up, a step-up to phishing resistance goes through a
 * passkey, a member with nothing to present is sent to the mailbox or stopped, and a migrated member's
 * printed password opens a login only with a mailed code.
 */
let database: TestDatabase;
const db = () => database.db;
const box = new SecretBox(crypto.randomBytes(32));
const unions: Record<string, Union> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  const settings: Record<string, object> = {
    strict: { mfa: { required: true } },
    lenient: { mfa: { required: false } },
    nopasskey: { mfa: { required: true, allowed: ['totp', 'email_otp'], recommended: 'totp' } },
    nocodes: { mfa: { required: true, recoveryCodes: false } },
  };
  let n = 0;
  for (const [slug, s] of Object.entries(settings)) {
    n += 1;
    await saveUnion(db(), { slug, name: `${slug}健康保険組合`, insurerNumber: `0613010${n}`, settings: s });
    unions[slug] = (await findUnion(db(), slug))!;
  }
});
afterAll(() => database?.drop());

interface Shape { email?: boolean; firstLogin?: boolean; preferred?: MfaMethod; has?: Array<'passkey' | 'totp' | 'codes'> }
async function member(slug: string, shape: Shape = {}) {
  const id = await newMemberAccount(db(), unions[slug]);
  await updateAccount(db(), id, {
    ...(shape.email !== false ? { email: `rules-${id.slice(0, 8)}@example.jp`, emailVerified: true } : {}),
    ...(shape.firstLogin !== false ? { firstLoginCompleted: true } : {}),
    ...(shape.preferred ? { preferredMfa: shape.preferred } : {}),
  });
  for (const kind of shape.has ?? []) {
    if (kind === 'codes') await generateRecoveryCodes(db(), id, { box, legacyKey: 'legacy' });
    else await addCredential(db(), { accountId: id, type: kind, label: kind, secret: kind === 'totp' ? box.seal('JBSWY3DPEHPK3PXP') : undefined, externalId: kind === 'passkey' ? crypto.randomUUID() : undefined, counter: 0 });
  }
  return (await findAccount(db(), slug, id))!;
}

const next = async (slug: string, shape: Shape, login: LoginSoFar = {}) => nextSecondFactorStep(db(), unions[slug], await member(slug, shape), login);

describe('a login that has proven nothing yet', () => {
  test.each<[string, string, Shape, LoginSoFar, unknown]>([
    ['the union requires a factor: the member\'s factors, strongest first', 'strict', { has: ['totp', 'passkey', 'codes'] }, {}, { kind: 'challenge', methods: ['passkey', 'totp', 'email_otp', 'recovery_code'] }],
    ['only a verified address: the mailed code', 'strict', {}, {}, { kind: 'challenge', methods: ['email_otp'] }],
    ['a union that does not insist, a member who chose nothing: the password is enough', 'lenient', {}, {}, { kind: 'satisfied' }],
    ['a union that does not insist, a member with an app: it is asked', 'lenient', { has: ['totp'] }, {}, { kind: 'challenge', methods: ['totp', 'email_otp'] }],
    ['a union that does not insist, a member who chose the mailed code: it is asked', 'lenient', { preferred: 'email_otp' }, {}, { kind: 'challenge', methods: ['email_otp'] }],
    ['a union without passkeys: a registered passkey is not offered', 'nopasskey', { has: ['passkey', 'totp'] }, {}, { kind: 'challenge', methods: ['totp', 'email_otp'] }],
    ['a union without recovery codes: the codes are not offered', 'nocodes', { has: ['totp', 'codes'] }, {}, { kind: 'challenge', methods: ['totp', 'email_otp'] }],
    ['phishing resistance asked for: only the passkey', 'strict', { has: ['passkey', 'totp'] }, { acrValues: `${ACR.password} ${ACR.phishingResistant}` }, { kind: 'challenge', methods: ['passkey'] }],
    ['phishing resistance asked for, no passkey: what the member has (then a passkey)', 'strict', { has: ['totp'] }, { acrValues: ACR.phishingResistant }, { kind: 'challenge', methods: ['totp', 'email_otp'] }],
    ['the console\'s e-mail change: not the mailed code when there is another factor', 'strict', { has: ['totp'] }, { excludeEmailOtp: true }, { kind: 'challenge', methods: ['totp'] }],
    ['the console\'s e-mail change with only the mailed code: it stays', 'strict', {}, { excludeEmailOtp: true }, { kind: 'challenge', methods: ['email_otp'] }],
    ['nothing to present and no address, first login under way: the journey verifies the address', 'strict', { email: false, firstLogin: false }, {}, { kind: 'journey_first' }],
    ['nothing to present and no address after the first login: blocked', 'strict', { email: false }, {}, { kind: 'blocked', reason: 'no_factor' }],
  ])('%s', async (_case, slug, shape, login, expected) => {
    expect(await next(slug, shape, login)).toEqual(expected);
  });

  test('a union that allows no mailed code: a member with only an address gets a set-up link', async () => {
    await saveUnion(db(), { slug: 'appsonly', name: 'アプリ健保', insurerNumber: '06130199', settings: { mfa: { required: true, allowed: ['totp', 'passkey'], recommended: 'totp' } } });
    unions.appsonly = (await findUnion(db(), 'appsonly'))!;
    expect(await next('appsonly', {})).toEqual({ kind: 'mailbox_link' });
    expect(proofComesFirst({ kind: 'mailbox_link' })).toBe(true);
  });

  test('a session that already has the level asked for goes on (single sign-on)', async () => {
    expect(await next('strict', { has: ['totp'] }, { sessionAcr: ACR.mfa })).toEqual({ kind: 'satisfied' });
    expect(await next('strict', { has: ['passkey'] }, { sessionAcr: ACR.mfa, acrValues: ACR.phishingResistant })).toEqual({ kind: 'challenge', methods: ['passkey'] });
    expect(await next('strict', { has: ['passkey'] }, { sessionAcr: ACR.phishingResistant, acrValues: ACR.phishingResistant })).toEqual({ kind: 'satisfied' });
    expect(await next('strict', { has: ['totp'] }, { sessionAcr: ACR.password })).toMatchObject({ kind: 'challenge' });
  });

  test('a migrated member\'s printed password opens a login only with a code mailed to the verified address', async () => {
    const account = await member('lenient', { has: ['totp'] });
    await markInitialPassword(db(), account.id, Date.now() + 86_400_000);
    const migrated = (await findAccount(db(), 'lenient', account.id))!;
    expect(await nextSecondFactorStep(db(), unions.lenient, migrated, {})).toEqual({ kind: 'challenge', methods: ['email_otp'] });
    expect(await nextSecondFactorStep(db(), unions.lenient, migrated, { sessionAcr: ACR.mfa })).toEqual({ kind: 'satisfied' });

    const unverified = await member('lenient', { email: false });
    await markInitialPassword(db(), unverified.id, Date.now() + 86_400_000);
    expect(await nextSecondFactorStep(db(), unions.lenient, (await findAccount(db(), 'lenient', unverified.id))!, {})).toEqual({ kind: 'blocked', reason: 'no_factor' });
  });
});

describe('a login that has proven a factor', () => {
  test.each<[string, string, Shape, LoginSoFar, unknown]>([
    ['it is enough', 'strict', { has: ['totp'] }, { proof: 'totp' }, { kind: 'satisfied' }],
    ['the chosen app is not set up yet: set it up now, or later while the mailed code remains', 'strict', { preferred: 'totp' }, { proof: 'email_otp' }, { kind: 'enrol', method: 'totp', deferrable: true }],
    ['the chosen passkey, later chosen: the login goes on', 'strict', { preferred: 'passkey' }, { proof: 'email_otp', deferred: true }, { kind: 'satisfied' }],
    ['the chosen method is the mailed code: nothing to set up', 'strict', { preferred: 'email_otp' }, { proof: 'email_otp' }, { kind: 'satisfied' }],
    ['the chosen method is not allowed by the union: nothing to set up', 'nopasskey', { preferred: 'passkey' }, { proof: 'email_otp' }, { kind: 'satisfied' }],
    ['single sign-on never interrupts for a set-up', 'strict', { preferred: 'totp' }, { sessionAcr: ACR.mfa }, { kind: 'satisfied' }],
    ['phishing resistance asked for, proven with an app, a passkey registered: the passkey', 'strict', { has: ['totp', 'passkey'] }, { proof: 'totp', acrValues: ACR.phishingResistant }, { kind: 'challenge', methods: ['passkey'] }],
    ['phishing resistance asked for, no passkey: register one, not later', 'strict', { has: ['totp'], preferred: 'totp' }, { proof: 'totp', acrValues: ACR.phishingResistant }, { kind: 'enrol', method: 'passkey', deferrable: false }],
    ['phishing resistance asked for where passkeys are not allowed: blocked', 'nopasskey', { has: ['totp'] }, { proof: 'totp', acrValues: ACR.phishingResistant }, { kind: 'blocked', reason: 'passkey_not_allowed' }],
    ['proven with a passkey: phishing resistance is met', 'strict', { has: ['passkey'] }, { proof: 'passkey', acrValues: ACR.phishingResistant }, { kind: 'satisfied' }],
  ])('%s', async (_case, slug, shape, login, expected) => {
    expect(await next(slug, shape, login)).toEqual(expected);
  });

  test('a pending set-up is not deferrable where the mailed code is not a factor', async () => {
    expect(await next('appsonly', { preferred: 'passkey', has: ['totp'] }, { proof: 'totp' })).toEqual({ kind: 'enrol', method: 'passkey', deferrable: false });
  });
});

describe('levels and proofs', () => {
  test('acr levels: unknown is none; the strongest requested value counts', () => {
    expect([undefined, 'other', ACR.password, ACR.mfa, ACR.phishingResistant].map(levelOf)).toEqual([0, 0, 0, 1, 2]);
    expect(requestedLevel(`${ACR.mfa} other ${ACR.password}`)).toBe(1);
    expect(requestedLevel(`${ACR.phishingResistant} ${ACR.mfa}`)).toBe(2);
    expect(requestedLevel('other')).toBe(0);
    expect(requestedLevel(['urn:kenpo-id:loa:mfa'])).toBe(0);
    expect([undefined, 'email_link', 'totp', 'passkey'].map((p) => proofLevel(p as never))).toEqual([0, 1, 1, 2]);
  });

  test('the login result records the proof as acr and amr', () => {
    expect(loginWithProof('a1', true, undefined)).toEqual({ accountId: 'a1', remember: true, acr: ACR.password, amr: ['pwd'] });
    expect(loginWithProof('a1', false, 'passkey')).toEqual({ accountId: 'a1', remember: false, acr: ACR.phishingResistant, amr: ['pwd', 'hwk', 'user', 'mfa'] });
    expect(loginWithProof('a1', false, 'email_otp')).toEqual({ accountId: 'a1', remember: false, acr: ACR.mfa, amr: ['pwd', 'email', 'mfa'] });
    expect(mfaStateOf({ mfa: { proven: 'totp' } })).toEqual({ proven: 'totp' });
    expect(mfaStateOf({ mfa: 'totp' })).toEqual({});
    expect(mfaStateOf(undefined)).toEqual({});
  });

  test('a mailbox link proves this login only when it was used in it', async () => {
    const account = await member('strict');
    expect(await loginProof(db(), account.id, { result: { mfa: { proven: 'totp' } }, chainId: 'c-1' })).toBe('totp');
    expect(await loginProof(db(), account.id, { result: {}, chainId: 'c-1' })).toBeUndefined();
    const { token } = await createLink(db(), { unionSlug: 'strict', accountId: account.id, purpose: 'setup_factor', ttlMs: 60_000, payload: { chain: 'c-1' } });
    expect(await loginProof(db(), account.id, { result: {}, chainId: 'c-1' })).toBeUndefined();
    await consumeLink(db(), 'strict', 'setup_factor', token);
    expect(await loginProof(db(), account.id, { result: {}, chainId: 'c-1' })).toBe('email_link');
    expect(await loginProof(db(), account.id, { result: {}, chainId: 'c-2' })).toBeUndefined();
    expect(await loginProof(db(), account.id, { result: {} })).toBeUndefined();
  });

  test('who logs in with a second factor: the union requires it, or the member chose or registered one', async () => {
    expect(await usesSecondFactor(db(), unions.strict, await member('strict'))).toBe(true);
    expect(await usesSecondFactor(db(), unions.lenient, await member('lenient'))).toBe(false);
    expect(await usesSecondFactor(db(), unions.lenient, await member('lenient', { preferred: 'email_otp' }))).toBe(true);
    expect(await usesSecondFactor(db(), unions.lenient, await member('lenient', { has: ['passkey'] }))).toBe(true);
  });

  test('what must come before the first-login steps change anything', () => {
    expect(proofComesFirst({ kind: 'challenge', methods: ['totp'] })).toBe(true);
    expect(proofComesFirst({ kind: 'blocked', reason: 'no_factor' })).toBe(true);
    expect(proofComesFirst({ kind: 'journey_first' })).toBe(false);
    expect(proofComesFirst({ kind: 'satisfied' })).toBe(false);
    expect(proofComesFirst({ kind: 'enrol', method: 'totp', deferrable: true })).toBe(false);
  });
});
