import Router from '@koa/router';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { checkUnderLockout } from '../accounts/lockout.js';
import { recordAudit } from '../audit/audit-log.js';
import { readForm, readJson } from '../http/body.js';
import { clientIp, type UnionContext, type UnionState } from '../http/context.js';
import { csrfToken, isValidCsrfToken } from '../http/csrf.js';
import { renderPage } from '../http/render.js';
import type { MfaContext, FactorCheck } from '../mfa/context.js';
import { listCredentials } from '../mfa/credentials.js';
import { emailOtpSent, EMAIL_OTP_MINUTES, sendEmailOtp, verifyEmailOtp } from '../mfa/email-otp.js';
import { METHOD_AUTHENTICATION } from '../mfa/levels.js';
import { passkeyAuthenticationOptions, passkeyRegistrationOptions, registerPasskey, verifyPasskey } from '../mfa/passkey.js';
import { CODE_CHECK_LIMITS, takeAttempt } from '../mfa/rate-limit.js';
import { mfaRequirement, type MfaRequirement } from '../mfa/requirement.js';
import { completeTotpSetup, startTotpSetup, verifyTotp } from '../mfa/totp.js';
import { SecretBox } from '../security/encryption.js';
import type { MfaMethod } from '../unions/policy.js';
import { LOCKED_MESSAGE } from './steps/birthdate.js';
import { loadStepContext, MFA_PROMPT } from './steps/journey.js';
import { MFA_LABELS } from './steps/user-id.js';

type Interaction = Awaited<ReturnType<UnionContext['state']['issuer']['provider']['interactionDetails']>>;

const TOO_MANY = 'ワンタイムパスワードの確認回数が上限に達しました。しばらくしてからもう一度お試しください。';

async function mfaContext(ctx: UnionContext, interaction: Interaction): Promise<MfaContext & { requirement: MfaRequirement }> {
  const { issuer, db, mailer, csrfSecret } = ctx.state;
  const step = interaction.session?.accountId && await loadStepContext(
    { db, mailer, issuerUrl: issuer.provider.issuer, ip: clientIp(ctx) }, issuer.union, interaction.session.accountId,
  );
  if (!step) ctx.throw(400, 'ログインの有効期限が切れました。もう一度ログインしてください。');
  const requirement = await mfaRequirement(db, issuer.union, step.account, { acr: interaction.session?.acr }, interaction.params.acr_values);
  return {
    ...step, requirement, interactionUid: interaction.uid, issuerUrl: issuer.provider.issuer,
    box: new SecretBox(ctx.state.dataKey), codeKey: csrfSecret,
  };
}

/**
 * 「次回ログイン時に設定する」: a member who chose an app or a passkey may set it up at a later login
 * and pass this one with an e-mail code instead, when that meets what the login needs (not for a
 * phishing-resistant request). The choice stays, so the next login offers the set-up again.
 */
const canDefer = ({ requirement }: { requirement: MfaRequirement }) =>
  Boolean(requirement.enrol) && requirement.neededLevel < 2 && requirement.available.includes('email_otp');

/** The method shown: the one being enrolled (unless deferred), else the one asked for, else the member's preferred one. */
function chosenMethod(m: MfaContext & { requirement: MfaRequirement }, asked: unknown): MfaMethod | undefined {
  const { enrol, available, neededLevel } = m.requirement;
  if (enrol) return asked === 'email_otp' && canDefer(m) ? 'email_otp' : enrol;
  const usable = neededLevel >= 2 ? available.filter((x) => x === 'passkey') : available;
  return usable.find((x) => x === asked) ?? usable.find((x) => x === m.account.preferredMfa) ?? usable[0];
}

/** Renders the enrolment or the challenge of the chosen method. */
export async function showMfa(ctx: UnionContext, interaction: Interaction, state: { method?: string; error?: string; notice?: string } = {}) {
  const m = await mfaContext(ctx, interaction);
  const method = chosenMethod(m, state.method ?? ctx.query.method);
  const base = `/u/${m.union.slug}/interaction/${interaction.uid}`;
  const enrolling = Boolean(m.requirement.enrol) && method === m.requirement.enrol;
  const locals: Record<string, unknown> & { title: string } = {
    title: enrolling ? '認証方法の設定' : '2段階認証',
    brand: m.union.name, base, csrf: csrfToken(ctx.state.csrfSecret, interaction.uid), method, enrolling,
    error: state.error, notice: state.notice, labels: MFA_LABELS,
    others: m.requirement.enrol ? [] : m.requirement.available.filter((x) => x !== method && (m.requirement.neededLevel < 2 || x === 'passkey')),
    // Set up now, or later: the link that switches between the two.
    defer: canDefer(m) ? { enrol: m.requirement.enrol, deferred: !enrolling } : undefined,
  };
  if (!method) {
    locals.error = 'この操作に必要な認証方法が登録されていません。組合管理者にお問い合わせください。';
  } else if (method === 'totp') {
    if (enrolling) locals.setup = await startTotpSetup(m);
    else locals.devices = (await listCredentials(m.db, m.account.id, 'totp')).map((c) => ({ id: c.id, label: c.label }));
  } else if (method === 'email_otp') {
    if (!(await emailOtpSent(m))) {
      const sent = await sendEmailOtp(m, { resend: false });
      if (!sent.ok) locals.error = sent.error;
    }
    locals.email = m.account.email;
    locals.validMinutes = EMAIL_OTP_MINUTES;
  }
  ctx.status = state.error ? 400 : 200;
  ctx.type = 'html';
  ctx.body = await renderPage('idp/mfa', locals);
}

/**
 * The second-factor screens of an interaction: code forms post here, and the passkey page's script
 * fetches WebAuthn options and posts the authenticator's answer as JSON.
 */
export function mfaRouter(): Router<UnionState> {
  const router = new Router<UnionState>({ prefix: '/u/:slug/interaction/:uid/mfa' });

  async function load(ctx: UnionContext, csrf: unknown) {
    const interaction = await ctx.state.issuer.provider.interactionDetails(ctx.req, ctx.res);
    if (interaction.prompt.name !== MFA_PROMPT || !isValidCsrfToken(ctx.state.csrfSecret, interaction.uid, csrf)) {
      ctx.throw(403, 'フォームの有効期限が切れました。もう一度お試しください。');
    }
    return { interaction, m: await mfaContext(ctx, interaction) };
  }

  /** Rate limits, then the lockout rules, then the check itself; returns a message when it failed. */
  async function guarded(ctx: UnionContext, m: MfaContext, method: MfaMethod, check: () => Promise<FactorCheck>): Promise<string | 'locked' | undefined> {
    const ip = clientIp(ctx);
    if (!(await takeAttempt(m.db, `mfa:account:${m.account.id}`, CODE_CHECK_LIMITS.account))
      || !(await takeAttempt(m.db, `mfa:ip:${ip}`, CODE_CHECK_LIMITS.ip))) {
      ctx.status = 429;
      return TOO_MANY;
    }
    let failure: string | undefined;
    const result = await checkUnderLockout(m.db, m.account.id, m.union.policy.lockoutThreshold, async () => {
      const outcome = await check();
      if (!outcome.ok) failure = outcome.error;
      return outcome.ok;
    });
    await recordAudit(m.db, {
      unionSlug: m.union.slug, actor: `member:${m.account.id}`, action: `login.${method}`, target: m.account.id, ip,
      outcome: result === 'ok' ? 'success' : result === 'locked' ? 'denied' : 'failure',
    });
    if (result === 'locked') return 'locked';
    return result === 'ok' ? undefined : failure;
  }

  /** The factor is proven: the login is redone with the stronger acr/amr. */
  function finishResult(interaction: Interaction, m: MfaContext, method: MfaMethod) {
    const { amr, acr } = METHOD_AUTHENTICATION[method];
    const remember = (interaction.lastSubmission?.login as { remember?: boolean } | undefined)?.remember ?? true;
    return { login: { accountId: m.account.id, remember, acr, amr: ['pwd', ...amr, 'mfa'] } };
  }

  async function afterCheck(ctx: UnionContext, interaction: Interaction, m: MfaContext, method: MfaMethod, error: string | 'locked' | undefined) {
    if (error === 'locked') {
      ctx.status = 403;
      ctx.type = 'html';
      ctx.body = await renderPage('idp/stopped', { title: 'ログインを中止しました', brand: m.union.name, message: LOCKED_MESSAGE, abort: `/u/${m.union.slug}/interaction/${interaction.uid}/abort` });
      return;
    }
    if (error) return showMfa(ctx, interaction, { method, error });
    return ctx.state.issuer.provider.interactionFinished(ctx.req, ctx.res, finishResult(interaction, m, method), { mergeWithLastSubmission: true });
  }

  router.post('/totp', async (ctx) => {
    const form = await readForm(ctx);
    const { interaction, m } = await load(ctx, form.csrf);
    const enrolling = m.requirement.enrol === 'totp';
    const error = await guarded(ctx, m, 'totp', () => (enrolling
      ? completeTotpSetup(m, { code: form.code ?? '', deviceName: form.deviceName ?? '' })
      : verifyTotp(m, { credentialId: form.device ?? '', code: form.code ?? '' })));
    return afterCheck(ctx, interaction, m, 'totp', error);
  });

  router.post('/email-otp', async (ctx) => {
    const form = await readForm(ctx);
    const { interaction, m } = await load(ctx, form.csrf);
    if (form.action === 'resend') {
      const sent = await sendEmailOtp(m, { resend: true });
      return showMfa(ctx, interaction, { method: 'email_otp', ...(sent.ok ? { notice: '新しいワンタイムパスワードを送信しました。以前のコードは使用できません。' } : { error: sent.error }) });
    }
    const error = await guarded(ctx, m, 'email_otp', () => verifyEmailOtp(m, form.code ?? ''));
    return afterCheck(ctx, interaction, m, 'email_otp', error);
  });

  router.post('/passkey/options', async (ctx) => {
    const { m } = await load(ctx, ctx.get('x-csrf-token'));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = m.requirement.enrol === 'passkey' ? await passkeyRegistrationOptions(m) : await passkeyAuthenticationOptions(m);
  });

  router.post('/passkey', async (ctx) => {
    const { interaction, m } = await load(ctx, ctx.get('x-csrf-token'));
    const body = await readJson(ctx, 64 * 1024) as { label?: string; response?: unknown };
    const enrolling = m.requirement.enrol === 'passkey';
    const error = await guarded(ctx, m, 'passkey', () => (enrolling
      ? registerPasskey(m, { label: String(body.label ?? ''), response: body.response as RegistrationResponseJSON })
      : verifyPasskey(m, body.response as AuthenticationResponseJSON)));
    if (error === 'locked') return void (ctx.body = { error: LOCKED_MESSAGE });
    if (error) return void (ctx.body = { error });
    ctx.body = { redirectTo: await ctx.state.issuer.provider.interactionResult(ctx.req, ctx.res, finishResult(interaction, m, 'passkey'), { mergeWithLastSubmission: true }) };
  });

  return router;
}
