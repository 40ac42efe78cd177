import crypto from 'node:crypto';
import { composeMail, mailRecipient } from '../mail/templates.js';
import { peekChallenge, saveChallenge, takeChallenge } from './challenges.js';
import type { IdpSaid } from '../i18n/text.js';
import type { FactorCheck, MfaContext } from './context.js';

export const EMAIL_OTP_MINUTES = 10;
const RESEND_COOLDOWN_MS = 30_000;

// Keyed, so a code's stored hash alone cannot be brute-forced offline.
const hashCode = (ctx: MfaContext, code: string) =>
  crypto.createHmac('sha256', ctx.box.deriveKey('email-otp')).update(`${ctx.account.id}:${code}`).digest('hex');

/** Has a code been sent in this interaction and is it still valid? */
export async function emailOtpSent(ctx: MfaContext): Promise<boolean> {
  return Boolean(await peekChallenge(ctx.db, ctx.account.id, ctx.interactionUid, 'email_otp'));
}

/**
 * Mails a new 6-digit code from the union's no-reply sender; it replaces any earlier code (which
 * stops working) but does not reset the account's failure count.
 */
export async function sendEmailOtp(ctx: MfaContext, options: { resend: boolean }): Promise<{ ok: true } | { ok: false; error: IdpSaid }> {
  if (!ctx.account.email || !ctx.account.emailVerified) return { ok: false, error: 'login.noEmail' };
  const previous = await peekChallenge(ctx.db, ctx.account.id, ctx.interactionUid, 'email_otp');
  if (previous && !options.resend) return { ok: true };
  if (previous && Date.now() - previous.createdAt < RESEND_COOLDOWN_MS) {
    return { ok: false, error: { key: 'login.resendWait', params: { seconds: Math.ceil((previous.createdAt + RESEND_COOLDOWN_MS - Date.now()) / 1000) } } };
  }
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  await saveChallenge(ctx.db, { accountId: ctx.account.id, interactionUid: ctx.interactionUid, kind: 'email_otp', value: hashCode(ctx, code), ttlMs: EMAIL_OTP_MINUTES * 60_000 });
  const to = mailRecipient(ctx.account.email, ctx.account.language, ctx.locale);
  await ctx.mailer.send(await composeMail(ctx.union, 'noReply', to, 'email-otp', 'mail.emailOtp.subject', {
    code, validMinutes: EMAIL_OTP_MINUTES,
  }));
  return { ok: true };
}

/** Checks the mailed code; the right code works once. */
export async function verifyEmailOtp(ctx: MfaContext, code: string): Promise<FactorCheck> {
  const pending = await peekChallenge(ctx.db, ctx.account.id, ctx.interactionUid, 'email_otp');
  if (!pending) return { ok: false, error: 'login.mfa.emailOtp.expired' };
  const expected = Buffer.from(pending.value);
  const actual = Buffer.from(hashCode(ctx, code.trim()));
  if (!crypto.timingSafeEqual(actual, expected)) return { ok: false, error: 'login.mfa.wrongCode' };
  return (await takeChallenge(ctx.db, ctx.account.id, ctx.interactionUid, 'email_otp')) ? { ok: true } : { ok: false, error: 'login.mfa.wrongCode' };
}
