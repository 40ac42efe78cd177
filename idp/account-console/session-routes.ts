import type Router from '@koa/router';
import type { UnionState } from '../http/context.js';
import { listSessions } from '../accounts/sessions.js';
import { listTrustedDevices, revokeTrustedDevices } from '../accounts/trusted-devices.js';
import { deviceCookieOf } from '../interactions/device-cookie.js';
import * as actions from './actions.js';
import type { ConsoleKit } from './console-kit.js';
import { textOf } from '../i18n/text.js';

/** The member's IdP sessions: list, sign out one, sign out all others. */
export function sessionRoutes(router: Router<UnionState>, kit: ConsoleKit): void {
  const { signedIn, trustedForm, page, deps, done, notice } = kit;

  router.get('/sessions', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    const sessions = await listSessions(ctx.state.db, ctx.state.issuer.union.slug, signed.account.id);
    const { db, issuer: { union } } = ctx.state;
    return page(ctx, signed, 'sessions', 200, {
      title: textOf(ctx).t('console.sessions.title'), notice: notice(ctx), current: signed.session.member.idpSessionUid,
      sessions: sessions.map((s) => ({ ...s, method: actions.describeAmr(s.amr) })),
      devices: await listTrustedDevices(db, union.slug, signed.account.id), thisDevice: deviceCookieOf(ctx)?.id,
    });
  });

  // 登録済みのブラウザ: forgetting one makes it an unknown browser for the lockout again.
  router.post('/devices/:id/forget', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    await trustedForm(ctx, signed);
    await revokeTrustedDevices(ctx.state.db, ctx.state.issuer.union.slug, signed.account.id, ctx.params.id.slice(0, 36));
    return done(ctx, '/sessions', 'deviceForgotten');
  });

  router.post('/sessions/others/end', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    await trustedForm(ctx, signed);
    await actions.signOutOthers(deps(ctx, signed));
    return done(ctx, '/sessions', 'othersSignedOut');
  });

  router.post('/sessions/:uid/end', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    await trustedForm(ctx, signed);
    if (ctx.params.uid === signed.session.member.idpSessionUid) return done(ctx, '/sessions', 'useLogoutHere');
    const ended = await actions.signOutOne(deps(ctx, signed), ctx.params.uid);
    return done(ctx, '/sessions', ended ? 'sessionEnded' : 'sessionAlreadyEnded');
  });
}
