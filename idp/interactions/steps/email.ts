import { newEmailErrors } from '../../accounts/email-address.js';
import { createLink, pendingLink } from '../../accounts/one-time-links.js';
import { composeMail, mailRecipient } from '../../mail/templates.js';
import type { RequiredStep, StepContext, StepOutcome } from './step.js';

export const EMAIL_LINK_MINUTES = 30;
const RESEND_COOLDOWN_MS = 60_000;

/** Mails a verification link for `email`; the address replaces the account's only when the link is confirmed. */
export async function sendVerificationMail(ctx: StepContext, email: string): Promise<void> {
  const { token } = await createLink(ctx.db, {
    unionSlug: ctx.union.slug, accountId: ctx.account.id, purpose: 'verify_email',
    ttlMs: EMAIL_LINK_MINUTES * 60_000, payload: { email, ...(ctx.chainId ? { chain: ctx.chainId } : {}) },
  });
  const link = `${ctx.issuerUrl}/email-verification/${token}`;
  await ctx.mailer.send(await composeMail(ctx.union, 'noReply', mailRecipient(email, ctx.account.language, ctx.locale), 'verify-email', 'mail.verifyEmail.subject', {
    link, validMinutes: EMAIL_LINK_MINUTES,
  }));
}

/**
 * メールアドレスの登録: required and verified. The link may be opened on another device; this
 * browser's page refreshes itself and moves on once the address is confirmed.
 */
export const emailStep: RequiredStep = {
  name: 'email',
  title: 'login.steps.email.title',
  isUnmet: async ({ account }) => !account.emailVerified,
  async render(ctx, { errors, values, notice }) {
    const pending = values?.mode === 'change' ? undefined : await pendingLink(ctx.db, ctx.account.id, 'verify_email');
    return {
      view: 'idp/steps/email',
      locals: {
        errors, notice, pending: pending?.payload.email,
        email: values?.email ?? ctx.account.email ?? '',
        validMinutes: EMAIL_LINK_MINUTES,
      },
    };
  },
  async submit(ctx, form): Promise<StepOutcome> {
    if (form.action === 'change') return { kind: 'again', values: { mode: 'change' } };
    if (form.action === 'resend') {
      const pending = await pendingLink(ctx.db, ctx.account.id, 'verify_email');
      if (!pending) return { kind: 'again', values: { mode: 'change' } };
      const wait = Math.ceil((pending.createdAt + RESEND_COOLDOWN_MS - Date.now()) / 1000);
      if (wait > 0) return { kind: 'invalid', errors: [{ key: 'login.resendWait', params: { seconds: wait } }] };
      await sendVerificationMail(ctx, pending.payload.email);
      return { kind: 'again', notice: 'login.steps.email.resent' };
    }
    const email = (form.email ?? '').trim().toLowerCase();
    const errors = await newEmailErrors(ctx.db, ctx.union.slug, ctx.account, email);
    if (errors.length) return { kind: 'invalid', errors, values: { email: form.email ?? '', mode: 'change' } };
    await sendVerificationMail(ctx, email);
    return { kind: 'again' };
  },
};
