import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type Provider from 'oidc-provider';
import type { Database } from '../../migrations/database.js';
import { findAccount, normalizeLoginId, revokePassword, updateAccount, type Account } from '../accounts/account-repository.js';
import { adoptVerifiedEmail, newEmailErrors } from '../accounts/email-address.js';
import { describePasswordPolicy } from '../accounts/field-rules.js';
import { newPasswordErrors, storeNewPassword } from '../accounts/password-change.js';
import { changeUserId } from '../accounts/user-id-change.js';
import { consumeLink, createLink, inspectLink, pendingLink, supersedeLinks, type LinkStatus } from '../accounts/one-time-links.js';
import { hashPassword } from '../accounts/password-hasher.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { Mailer } from '../../mail/mailer.js';
import { composeMail, mailRecipient } from '../mail/templates.js';
import { idpText, type IdpSaid, type IdpText } from '../i18n/text.js';
import { findMember } from '../members/member-repository.js';
import type { FactorCheck, MfaContext } from '../mfa/context.js';
import { findCredential, listCredentials } from '../mfa/credentials.js';
import { factorOf, type FactorInput } from '../mfa/factors.js';
import { usesSecondFactor } from '../mfa/requirement.js';
import type { TotpSetup } from '../mfa/totp.js';
import { announceFactorChange } from '../mfa/factor-notice.js';
import { SecretBox } from '../security/encryption.js';
import { MFA_METHODS, type MfaMethod } from '../unions/policy.js';
import type { Union } from '../unions/union-repository.js';
import type { ConsoleSession } from './console-session.js';
import { endSession } from '../accounts/sessions.js';
import { endSessionsAfterChange, type KeptSession, type SessionEndingCause } from '../accounts/session-ending.js';
import { createResetLink } from '../recovery/password-reset.js';
import { queueBackchannelLogouts, wakeBackchannelWorker } from '../oidc/backchannel-logout.js';
import { LOCALES, type Locale } from '../../i18n/locale.js';

/** What the console's changes need from a request (no Koa, so they can be tested on their own). */
export interface ConsoleDeps {
  db: Database;
  mailer: Mailer;
  union: Union;
  /** The union's issuer: tells relying parties about sessions ended here (back-channel logout). */
  provider: Provider;
  issuerUrl: string;
  ip: string;
  /** The browser making the change (named in factor-change notices). */
  userAgent?: string;
  account: Account;
  session: ConsoleSession & { member: NonNullable<ConsoleSession['member']> };
  dataKey: Buffer;
  /** See MfaContext.legacyCodeKey. */
  legacyCodeKey: string;
  /** The page's language: the member's mails are in it unless they chose one (言語). */
  locale: Locale;
}

export const EMAIL_CHANGE_MINUTES = 30;

/** Why the e-mail change link (to the new address) does not work. */
export const INVALID_LINK: Record<Exclude<LinkStatus, 'valid'>, IdpSaid> = {
  used: 'recovery.link.used', expired: 'console.email.linkExpired', superseded: 'console.email.linkSuperseded', unknown: 'recovery.link.unknown',
};

const audit = (deps: ConsoleDeps, action: string, outcome: 'success' | 'failure' | 'denied' = 'success', detail?: Record<string, unknown>) =>
  recordAudit(deps.db, { unionSlug: deps.union.slug, actor: `member:${deps.account.id}`, action, target: deps.account.id, outcome, ip: deps.ip, detail });

/**
 * A notice from the union's info@ sender, in the member's language (`lines` says it in the one
 * chosen); a failing SMTP server never fails the change itself.
 */
async function notify(
  deps: { union: Union; mailer: Mailer; locale: Locale },
  member: { email: string | null; language: string | null },
  subject: IdpSaid,
  lines: (t: IdpText['t']) => string[],
): Promise<void> {
  if (!member.email) return;
  try {
    const to = mailRecipient(member.email, member.language, deps.locale);
    await deps.mailer.send(await composeMail(deps.union, 'info', to, 'account-notice', subject, { lines: lines(idpText(to.locale).t) }));
  } catch (err) {
    console.warn(`[account:${deps.union.slug}] notice mail failed`, (err as Error).message);
  }
}

export { usesSecondFactor };

export const passwordRule = (union: Union) => describePasswordPolicy(union.policy.password);

/** パスワードの更新: policy, twice, not the user ID, not the current one; optionally signs out everywhere else. */
export async function changePassword(deps: ConsoleDeps, form: { password: string; confirmation: string; signOutEverywhere: boolean }) {
  const errors = await newPasswordErrors(deps.db, deps.union, deps.account, form);
  if (errors.length) return { errors };
  await storeNewPassword(deps.db, deps.account.id, await hashPassword(form.password));
  let ended = 0;
  if (form.signOutEverywhere) ended = await signOutOthers(deps, 'password_changed');
  await audit(deps, 'account.password.changed', 'success', { signedOutOthers: form.signOutEverywhere, endedSessions: ended });
  await notify(deps, deps.account, 'mail.passwordChanged.subject', (t) => [
    t('mail.passwordChanged.inConsole', { union: deps.union.name }),
    ...(form.signOutEverywhere ? [t('mail.passwordChanged.signedOutOthers')] : []),
  ]);
  return { errors: undefined };
}

/** The console's own IdP session, grant and console session: the browser making a change stays signed in. */
export const keptSessionOf = (session: ConsoleDeps['session']): KeptSession => ({
  idpSessionUid: session.member.idpSessionUid, grantId: session.member.grantId, consoleSessionId: session.id,
});

/** Ends every other IdP session (and the other console sessions), revoking their grants and refresh tokens. */
export async function signOutOthers(deps: ConsoleDeps, cause: SessionEndingCause = 'sign_out_others'): Promise<number> {
  const { endedSessions } = await endSessionsAfterChange(
    { db: deps.db, unionSlug: deps.union.slug, provider: deps.provider, ip: deps.ip },
    { accountId: deps.account.id, cause, keep: keptSessionOf(deps.session) },
  );
  return endedSessions;
}

export async function signOutOne(deps: ConsoleDeps, uid: string): Promise<boolean> {
  const { ended, relyingParties } = await deps.db.transaction(async (trx) => {
    const session = await endSession(trx, deps.union.slug, deps.account.id, uid.slice(0, 255));
    return { ended: session, relyingParties: await queueBackchannelLogouts(trx, deps.provider, [session]) };
  });
  if (!ended) return false;
  wakeBackchannelWorker(relyingParties);
  await audit(deps, 'account.session.ended', 'success', { uid, relyingParties });
  return true;
}

/** How a session was signed in, from its amr values. */
export function describeAmr(amr: string[]): IdpSaid {
  if (amr.includes('hwk')) return 'console.amr.passkey';
  if (amr.includes('otp')) return 'console.amr.totp';
  if (amr.includes('email')) return 'console.amr.email';
  return amr.includes('pwd') ? 'console.amr.password' : 'console.amr.none';
}

// ── second factors ────────────────────────────────────────────────
async function mfaContext(deps: ConsoleDeps): Promise<MfaContext> {
  const member = await findMember(deps.db, deps.union.slug, deps.account.memberId);
  if (!member) throw new Error('member not found');
  return {
    db: deps.db, union: deps.union, account: deps.account, member, mailer: deps.mailer, box: new SecretBox(deps.dataKey),
    // Challenges are bound to this console session instead of an oidc-provider interaction.
    interactionUid: `console:${deps.session.id}`, issuerUrl: deps.issuerUrl, legacyCodeKey: deps.legacyCodeKey, locale: deps.locale,
  };
}

export async function totpSetup(deps: ConsoleDeps) {
  return (await factorOf('totp')!.enrolment!.start(await mfaContext(deps))).setup as TotpSetup;
}

/** Sets up an app or a passkey through the factor registry (as the login does), then prefers, audits and announces it. */
async function addFactor(deps: ConsoleDeps, method: 'totp' | 'passkey', input: FactorInput): Promise<FactorCheck> {
  const result = await factorOf(method)!.enrolment!.complete(await mfaContext(deps), input);
  if (!result.ok) return result;
  const label = (input.label ?? '').trim();
  if (deps.session.prefer === method) await updateAccount(deps.db, deps.account.id, { preferredMfa: method });
  await audit(deps, 'account.factor.added', 'success', { method, credentialId: result.credentialId });
  await announceFactorChange(deps, deps.account, { kind: 'added', method, label, actor: 'member', userAgent: deps.userAgent, ip: deps.ip });
  return result;
}

/** A new app; with 全てのデバイスからサインアウトする (a replaced phone) every other session ends too. */
export async function addTotp(deps: ConsoleDeps, input: { code: string; deviceName: string; signOutEverywhere: boolean }): Promise<FactorCheck> {
  const result = await addFactor(deps, 'totp', { code: input.code, label: input.deviceName });
  if (result.ok && input.signOutEverywhere) await signOutOthers(deps, 'factor_replaced');
  return result;
}

export async function passkeyOptions(deps: ConsoleDeps) {
  return factorOf('passkey')!.options!(await mfaContext(deps), 'register');
}

export async function addPasskey(deps: ConsoleDeps, input: { label: string; response: RegistrationResponseJSON }): Promise<FactorCheck> {
  if (!input.response || typeof input.response !== 'object') return { ok: false, error: 'console.passkey.failed' };
  return addFactor(deps, 'passkey', { label: input.label, response: input.response });
}

/**
 * 削除する: removes a passkey or an authenticator app, unless it is the member's last usable second
 * factor while the union requires one (e-mail OTP counts when allowed and the address is verified).
 * The check and the delete run in one transaction.
 */
export async function removeFactor(deps: ConsoleDeps, credentialId: string): Promise<{ kind: 'done' | 'not_found' } | { kind: 'last_factor'; message: IdpSaid }> {
  const { db, union, account } = deps;
  const credential = await findCredential(db, account.id, credentialId.slice(0, 64));
  if (!credential) return { kind: 'not_found' };
  const outcome = await db.transaction(async (trx) => {
    // Writing the account row first takes its lock (PostgreSQL row lock, SQLite write lock): two
    // deletions at once are serialised, so the second sees the first and keeps the last factor.
    await trx('accounts').where({ id: account.id }).update({ updated_at: Date.now() });
    const all = await listCredentials(trx as unknown as Database, account.id);
    const emailUsable = union.policy.mfa.allowed.includes('email_otp') && account.emailVerified;
    const othersUsable = all.filter((c) => c.id !== credential.id && union.policy.mfa.allowed.includes(c.type)).length + (emailUsable ? 1 : 0);
    if (union.policy.mfa.required && othersUsable === 0) return 'last_factor' as const;
    await trx('credentials').where({ id: credential.id, account_id: account.id }).delete();
    return 'done' as const;
  });
  if (outcome === 'last_factor') {
    await audit(deps, 'account.factor.removed', 'denied', { reason: 'last_factor', credentialId: credential.id });
    return { kind: 'last_factor', message: 'console.deleteFactor.lastFactor' };
  }
  const method: MfaMethod = credential.type;
  // A preferred method with nothing left would send the next login into its set-up: fall back to what remains.
  if (account.preferredMfa === method && !(await listCredentials(db, account.id, credential.type)).length) {
    const fallback = MFA_METHODS.find((m) => union.policy.mfa.allowed.includes(m) && m !== method
      && (m === 'email_otp' ? account.emailVerified : false));
    const remaining = await listCredentials(db, account.id);
    const next = remaining[0]?.type ?? fallback;
    if (next) await updateAccount(db, account.id, { preferredMfa: next });
  }
  await audit(deps, 'account.factor.removed', 'success', { method, credentialId: credential.id });
  // Whoever was signed in with the removed factor (a lost phone) is signed out with it.
  await signOutOthers(deps, 'factor_removed');
  await announceFactorChange(deps, account, { kind: 'removed', method, label: credential.label, actor: 'member', userAgent: deps.userAgent, ip: deps.ip });
  return { kind: 'done' };
}

// ── profile ───────────────────────────────────────────────────────
export async function hasLiveTemporaryCredentials(db: Database, accountId: string): Promise<boolean> {
  return Boolean(await db('temporary_credentials').where({ account_id: accountId }).whereNull('revoked_at')
    .andWhere('expires_at', '>', Date.now()).first('id'));
}

/**
 * 変更: language, user ID (first-login rules, unique in the union) and the preferred method; a method
 * not registered yet leads into its set-up (`enrol`).
 */
export async function updateProfile(deps: ConsoleDeps, values: { language: string; userId: string; method: string }) {
  const { db, union, account } = deps;
  const errors: IdpSaid[] = [];
  if (!LOCALES.includes(values.language as Locale)) errors.push('console.profile.error.language');
  const newUserId = normalizeLoginId(values.userId) !== account.userId ? values.userId : undefined;
  const method = values.method as MfaMethod;
  const methodChanged = values.method !== '' && method !== account.preferredMfa;
  if (methodChanged && !union.policy.mfa.allowed.includes(method)) errors.push('console.profile.error.method');
  if (methodChanged && method === 'email_otp' && !account.emailVerified) errors.push('console.profile.error.emailOtpNeedsEmail');
  if (errors.length) return { errors };

  if (newUserId !== undefined) {
    const problems = await changeUserId(db, union.slug, account.id, newUserId);
    if (problems.length) return { errors: problems };
    await audit(deps, 'account.user_id.changed', 'success', { from: account.userId, to: normalizeLoginId(newUserId) });
  }
  await updateAccount(db, account.id, { language: values.language });
  let enrol: 'totp' | 'passkey' | undefined;
  if (methodChanged) {
    const registered = method === 'email_otp' || (await listCredentials(db, account.id, method)).length > 0;
    if (registered) await updateAccount(db, account.id, { preferredMfa: method });
    else enrol = method as 'totp' | 'passkey'; // preferred once set up (the next login would otherwise ask for the set-up)
    if (registered) await audit(deps, 'account.preferred_mfa.changed', 'success', { method });
  }
  return { errors: [] as IdpSaid[], enrol };
}

export async function pendingEmail(db: Database, accountId: string): Promise<string | undefined> {
  return (await pendingLink(db, accountId, 'change_email'))?.payload.email;
}

/** What the mailed e-mail change links need (they are used without a console session). */
export interface EmailLinkDeps {
  db: Database;
  mailer: Mailer;
  union: Union;
  provider: Provider;
  ip: string;
  /** The page's language: the member's mails are in it unless they chose one (言語). */
  locale: Locale;
}

/** 「心当たりがない場合」 in the mail to the old address stays usable this long. */
export const EMAIL_REVERT_DAYS = 7;

/**
 * Eメール変更: mails a link to the new address; the address changes only when that link is used.
 * The old (verified) address is mailed first, before anything takes effect, with a link that
 * cancels the change or, once confirmed, restores the old address.
 */
export async function requestEmailChange(deps: ConsoleDeps, typed: string) {
  const email = typed.toLowerCase();
  const errors = await newEmailErrors(deps.db, deps.union.slug, deps.account, email, { refuseCurrent: true });
  if (errors.length) return { errors };
  const kept = keptSessionOf(deps.session);
  const { token, link } = await createLink(deps.db, {
    unionSlug: deps.union.slug, accountId: deps.account.id, purpose: 'change_email', ttlMs: EMAIL_CHANGE_MINUTES * 60_000,
    // The browser asking for the change stays signed in when it takes effect; every other session ends.
    payload: { email, keepSession: kept.idpSessionUid ?? '', keepGrant: kept.grantId ?? '', keepConsole: kept.consoleSessionId ?? '' },
  });
  await audit(deps, 'account.email.change_requested');
  const old = deps.account.emailVerified ? deps.account.email : null;
  if (old) {
    // Not superseded by later changes: a later "old address" may already be the attacker's.
    const revert = await createLink(deps.db, {
      unionSlug: deps.union.slug, accountId: deps.account.id, purpose: 'revert_email_change', ttlMs: EMAIL_REVERT_DAYS * 86_400_000,
      payload: { from: old, to: email, change: link.id }, supersede: false,
    });
    await deps.mailer.send(await composeMail(deps.union, 'info', mailRecipient(old, deps.account.language, deps.locale), 'email-change-requested', 'mail.emailChangeRequested.subject', {
      newEmail: email, link: `${deps.issuerUrl}/account/email/revert/${revert.token}`, validDays: EMAIL_REVERT_DAYS,
    }));
  }
  await deps.mailer.send(await composeMail(deps.union, 'noReply', mailRecipient(email, deps.account.language, deps.locale), 'verify-new-email', 'mail.verifyNewEmail.subject', {
    link: `${deps.issuerUrl}/account/email/verify/${token}`, validMinutes: EMAIL_CHANGE_MINUTES,
  }));
  return { errors: [] as IdpSaid[] };
}

export async function checkEmailChangeLink(db: Database, unionSlug: string, token: string): Promise<LinkStatus> {
  return (await inspectLink(db, unionSlug, 'change_email', token.slice(0, 100))).status;
}

/** Uses the link: the new address replaces the old, verified; every other session ends; both addresses get a notice. */
export async function confirmEmailChange(deps: EmailLinkDeps, token: string) {
  const { db, union } = deps;
  const { status, link } = await consumeLink(db, union.slug, 'change_email', token.slice(0, 100));
  if (status !== 'valid' || !link) return { kind: 'invalid' as const, message: INVALID_LINK[status as Exclude<LinkStatus, 'valid'>] };
  const email = link.payload.email;
  const before = await db('accounts').where({ id: link.accountId }).first('email', 'language');
  if (await adoptVerifiedEmail(db, union.slug, link.accountId, email) === 'taken') return { kind: 'taken' as const, message: 'fields.email.taken' as const };
  await recordAudit(db, { unionSlug: union.slug, actor: `member:${link.accountId}`, action: 'account.email.changed', target: link.accountId, outcome: 'success', ip: deps.ip });
  const { keepSession, keepGrant, keepConsole } = link.payload;
  await endSessionsAfterChange({ db, unionSlug: union.slug, provider: deps.provider, ip: deps.ip }, {
    accountId: link.accountId, cause: 'email_changed',
    keep: keepConsole ? { idpSessionUid: keepSession || undefined, grantId: keepGrant || undefined, consoleSessionId: keepConsole } : undefined,
  });
  const language = before?.language ?? null;
  const lines = (t: IdpText['t']) => [t('mail.emailChanged.changed', { union: union.name }), t('mail.newAddress', { email })];
  await notify(deps, { email: before?.email ?? null, language }, 'mail.emailChanged.subject', (t) => [...lines(t), t('mail.emailChanged.undo')]);
  await notify(deps, { email, language }, 'mail.emailChanged.subject', lines);
  return { kind: 'done' as const };
}

/** Why the 「心当たりがない場合」 link (to the old address) does not work. */
export const INVALID_REVERT_LINK: Record<Exclude<LinkStatus, 'valid'>, IdpSaid> = {
  used: 'recovery.link.used', expired: 'console.revert.linkExpired', superseded: 'console.revert.linkSuperseded', unknown: 'recovery.link.unknown',
};

export async function checkEmailRevertLink(db: Database, unionSlug: string, token: string): Promise<LinkStatus> {
  return (await inspectLink(db, unionSlug, 'revert_email_change', token.slice(0, 100))).status;
}

export type EmailRevertOutcome =
  | { kind: 'invalid'; message: IdpSaid }
  | { kind: 'taken'; message: IdpSaid }
  | { kind: 'cancelled' }
  /** `resetToken`: a 「パスワードをリセット」 link for the member to set a new password right away. */
  | { kind: 'restored'; resetToken: string };

/**
 * 「心当たりがない場合」: the change was not the member's. A pending change is cancelled (its verify
 * link stops working). A confirmed one is undone: the old address is back, every session ends, and
 * the password is revoked (whoever changed the address knew it), so the member sets a new one.
 * Revert links of later changes die with it (they went to addresses that were not the member's).
 */
export async function revertEmailChange(deps: EmailLinkDeps, token: string): Promise<EmailRevertOutcome> {
  const { db, union } = deps;
  const { status, link } = await consumeLink(db, union.slug, 'revert_email_change', token.slice(0, 100));
  if (status !== 'valid' || !link) return { kind: 'invalid', message: INVALID_REVERT_LINK[status as Exclude<LinkStatus, 'valid'>] };
  const { accountId } = link;
  const from = link.payload.from;
  const audit = (action: string, outcome: 'success' | 'failure', detail?: Record<string, unknown>) => recordAudit(db, {
    unionSlug: union.slug, actor: `member:${accountId}`, action, target: accountId, outcome, ip: deps.ip, detail: { from, to: link.payload.to, ...detail },
  });
  await supersedeLinks(db, accountId, 'change_email');
  await supersedeLinks(db, accountId, 'revert_email_change', { createdAfter: link.createdAt });
  const account = await findAccount(db, union.slug, accountId);
  if (!account) return { kind: 'invalid', message: INVALID_REVERT_LINK.unknown };
  if (account.email === from && account.emailVerified) {
    await audit('account.email.change_cancelled', 'success');
    await notify(deps, account, 'mail.emailChangeCancelled.subject', (t) => [
      t('mail.emailChangeCancelled.cancelled', { union: union.name }), t('mail.emailChangeCancelled.changePassword'),
    ]);
    return { kind: 'cancelled' };
  }
  const taken: EmailRevertOutcome = { kind: 'taken', message: 'console.revert.taken' };
  if (await adoptVerifiedEmail(db, union.slug, accountId, from) === 'taken') return taken;
  await revokePassword(db, accountId);
  const { endedSessions } = await endSessionsAfterChange(
    { db, unionSlug: union.slug, provider: deps.provider, ip: deps.ip }, { accountId, cause: 'email_restored' },
  );
  const resetToken = await createResetLink(db, union.slug, accountId);
  await audit('account.email.restored', 'success', { endedSessions, passwordRevoked: true });
  await notify(deps, { email: from, language: account.language }, 'mail.emailRestored.subject', (t) => [
    t('mail.emailRestored.restored', { union: union.name }), t('mail.emailRestored.newPassword'),
  ]);
  return { kind: 'restored', resetToken };
}
