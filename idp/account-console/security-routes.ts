import type Router from '@koa/router';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { readJson } from '../http/body.js';
import type { UnionContext, UnionState } from '../http/context.js';
import { factorLabelsIn } from '../mfa/factors.js';
import { listCredentials } from '../mfa/credentials.js';
import { recoveryCodeSummary } from '../mfa/recovery-codes.js';
import { saveConsoleSession } from './console-session.js';
import * as actions from './actions.js';
import { type ConsoleKit, type Signed, withNotice } from './console-kit.js';
import { refuse } from '../http/errors.js';
import { textOf, type IdpSaid } from '../i18n/text.js';

/** ログイン方法変更: password, authenticator apps, passkeys, and deleting a factor. */
export function securityRoutes(router: Router<UnionState>, kit: ConsoleKit): void {
  const { base, signedIn, recentlyAuthenticated, sensitivePage, sensitiveForm, trustedJson, page, deps, done, notice } = kit;

  router.get('/security', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    const { db, issuer: { union } } = ctx.state;
    const row = await db('accounts').where({ id: signed.account.id }).first('password_changed_at', 'updated_at');
    const credentials = await listCredentials(db, signed.account.id);
    return page(ctx, signed, 'security', 200, {
      title: textOf(ctx).t('console.security.title'), notice: notice(ctx),
      passwordCreatedAt: row?.password_changed_at ?? null,
      allowed: union.policy.mfa.allowed, labels: factorLabelsIn(textOf(ctx).t),
      passkeys: credentials.filter((c) => c.type === 'passkey'), apps: credentials.filter((c) => c.type === 'totp'),
      email: signed.account.emailVerified ? signed.account.email : null,
      recoveryCodes: union.policy.mfa.recoveryCodes ? await recoveryCodeSummary(db, signed.account.id) : null,
    });
  });

  const passwordForm = (ctx: UnionContext, signed: Signed, status: number, errors?: IdpSaid[]) => page(ctx, signed, 'password', status, {
    title: textOf(ctx).t('console.password.title'), errors, maxLength: ctx.state.issuer.union.policy.password.maxLength,
    rule: actions.passwordRule(ctx.state.issuer.union),
  });

  router.get('/password', async (ctx) => {
    const signed = await sensitivePage(ctx);
    if (!signed) return;
    return passwordForm(ctx, signed, 200);
  });

  router.post('/password', async (ctx) => {
    const sensitive = await sensitiveForm(ctx);
    if (!sensitive) return;
    const { signed, form } = sensitive;
    const outcome = await actions.changePassword(deps(ctx, signed), {
      password: form.password ?? '', confirmation: form.confirmation ?? '', signOutEverywhere: form.signOutEverywhere === 'yes',
    });
    if (outcome.errors) return passwordForm(ctx, signed, 400, outcome.errors);
    return done(ctx, '/security', 'passwordChanged');
  });

  // 設定: authenticator app (TOTP); the set-up is bound to this console session, not to an interaction.
  // `error`: a catalogue message of the factor registry (mfa/), said by the page.
  const totpForm = async (ctx: UnionContext, signed: Signed, status: number, error?: IdpSaid) => page(ctx, signed, 'totp', status, {
    title: textOf(ctx).t('console.totp.title'), error, setup: await actions.totpSetup(deps(ctx, signed)),
  });

  router.get('/totp', async (ctx) => {
    const signed = await sensitivePage(ctx);
    if (!signed) return;
    if (!ctx.state.issuer.union.policy.mfa.allowed.includes('totp')) ctx.throw(404);
    return totpForm(ctx, signed, 200);
  });

  router.post('/totp', async (ctx) => {
    const sensitive = await sensitiveForm(ctx);
    if (!sensitive) return;
    const { signed, form } = sensitive;
    if (!ctx.state.issuer.union.policy.mfa.allowed.includes('totp')) ctx.throw(404);
    const result = await actions.addTotp(deps(ctx, signed), {
      code: (form.code ?? '').slice(0, 16), deviceName: (form.deviceName ?? '').slice(0, 100), signOutEverywhere: form.signOutEverywhere === 'yes',
    });
    if (!result.ok) return totpForm(ctx, signed, 400, result.error);
    if (signed.session.prefer) await saveConsoleSession(ctx, { ...signed.session, prefer: undefined });
    return done(ctx, '/security', 'totpAdded');
  });

  // 設定: passkey (WebAuthn registration through the browser's script, JSON like the login's).
  router.get('/passkey', async (ctx) => {
    const signed = await sensitivePage(ctx);
    if (!signed) return;
    if (!ctx.state.issuer.union.policy.mfa.allowed.includes('passkey')) ctx.throw(404);
    return page(ctx, signed, 'passkey', 200, { title: textOf(ctx).t('console.passkey.title') });
  });

  router.post('/mfa/passkey/options', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    trustedJson(ctx, signed);
    if (!(await recentlyAuthenticated(ctx, signed, `${base(ctx)}/passkey`))) return;
    ctx.body = await actions.passkeyOptions(deps(ctx, signed));
  });

  router.post('/mfa/passkey', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    trustedJson(ctx, signed);
    if (!(await recentlyAuthenticated(ctx, signed, `${base(ctx)}/passkey`))) return;
    const body = await readJson(ctx, 64 * 1024) as { label?: unknown; response?: unknown };
    const result = await actions.addPasskey(deps(ctx, signed), { label: String(body.label ?? '').slice(0, 100), response: body.response as RegistrationResponseJSON });
    if (result.ok && signed.session.prefer) await saveConsoleSession(ctx, { ...signed.session, prefer: undefined });
    ctx.status = result.ok ? 200 : 400;
    ctx.body = result.ok ? { redirectTo: withNotice(`${base(ctx)}/security`, 'passkeyAdded') } : { error: textOf(ctx).say(result.error) };
  });

  // 削除 → re-authentication → 削除する / 戻る
  async function deletionPage(ctx: UnionContext, signed: Signed, status: number, error?: IdpSaid) {
    const credential = (await listCredentials(ctx.state.db, signed.account.id)).find((c) => c.id === ctx.params.id);
    if (!credential) refuse(ctx, 404, 'console.factorNotFound');
    const text = textOf(ctx);
    return page(ctx, signed, 'delete-factor', status, {
      title: text.t('console.deleteFactor.title'), error, credential, kind: factorLabelsIn(text.t)[credential.type],
    });
  }

  router.get('/factors/:id/delete', async (ctx) => {
    const signed = await sensitivePage(ctx);
    if (!signed) return;
    return deletionPage(ctx, signed, 200);
  });

  router.post('/factors/:id/delete', async (ctx) => {
    const sensitive = await sensitiveForm(ctx);
    if (!sensitive) return;
    const { signed } = sensitive;
    const outcome = await actions.removeFactor(deps(ctx, signed), ctx.params.id);
    if (outcome.kind === 'not_found') refuse(ctx, 404, 'console.factorNotFound');
    if (outcome.kind === 'last_factor') return deletionPage(ctx, signed, 409, outcome.message);
    return done(ctx, '/security', 'factorRemoved');
  });
}
