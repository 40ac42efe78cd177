import Router from '@koa/router';
import { findAccount, normalizeLoginId, toAccount, type AccountRow } from '../accounts/account-repository.js';
import { lockoutState, unlock } from '../accounts/lockout.js';
import { importMigratedAccounts } from '../accounts/migration.js';
import { issueTemporaryCredentials } from '../accounts/temporary-credentials.js';
import { currentTerms, publishTerms } from '../terms/terms-repository.js';
import { listAudit, recordAudit } from '../../audit/audit-log.js';
import { clientIp } from '../http/context.js';
import { findMember, renameMember, upsertMembers } from '../members/member-repository.js';
import { listCredentials, removeAllCredentials } from '../mfa/credentials.js';
import { deleteRecoveryCodes, remainingRecoveryCodes } from '../mfa/recovery-codes.js';
import { announceFactorChange } from '../mfa/factor-notice.js';
import { endAllSessions, listSessions } from '../accounts/sessions.js';
import { listTrustedDevices, revokeTrustedDevices } from '../accounts/trusted-devices.js';
import { idpText } from '../i18n/text.js';
import { queueBackchannelLogouts, wakeBackchannelWorker } from '../oidc/backchannel-logout.js';
import { listDeliveries, statusOf } from '../oidc/backchannel-outbox.js';
import { listSigningKeys, rotateSigningKey, rotationTiming, RotationPendingError, type SigningKeyInfo } from '../oidc/signing-keys.js';
import { SecretBox } from '../security/encryption.js';
import { authenticateAdmin } from './authenticate.js';
import { adminLocale, ApiError, invalidFields, notFound } from './errors.js';
import { openApiDocument } from './openapi.js';
import { addPostcardRoutes } from './postcards.js';
import { jsonBody, parse, type AdminContext, type AdminState } from './request.js';
import * as schemas from './schemas.js';

async function requireAccount(ctx: AdminContext, id: string) {
  const account = schemas.uuid.safeParse(id).success ? await findAccount(ctx.state.db, ctx.state.issuer.union.slug, id) : undefined;
  if (!account) throw notFound('account');
  return account;
}

/** The union administrators' JSON API. Every call, allowed or not, is written to the audit log. */
export function adminRouters(): Router<AdminState>[] {
  const docs = new Router<AdminState>({ prefix: '/u/:slug/admin' });
  docs.get('/openapi.json', (ctx) => {
    ctx.body = openApiDocument(ctx.state.issuer.provider.issuer);
  });

  const api = new Router<AdminState>({ prefix: '/u/:slug/admin/v1' });

  api.use(async (ctx: AdminContext, next) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.state.audit = { action: `admin.${ctx.method} ${ctx.path.replace(/^\/u\/[^/]+\/admin\/v1/, '')}` };
    let outcome: 'success' | 'failure' | 'denied' = 'success';
    try {
      ctx.state.admin = await authenticateAdmin(ctx.state.issuer, ctx.get('authorization'));
      await next();
    } catch (err) {
      const apiError = err instanceof ApiError ? err : undefined;
      outcome = apiError && [401, 403].includes(apiError.status) ? 'denied' : 'failure';
      if (!apiError) console.error('[idp] admin API error', err);
      const response = apiError ?? new ApiError(500, 'server_error', 'admin.error.internal');
      ctx.status = response.status;
      ctx.body = response.toJSON(adminLocale(ctx.get('accept-language')));
      if (response.status === 401) ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
    } finally {
      const { action, target, detail } = ctx.state.audit;
      await recordAudit(ctx.state.db, {
        unionSlug: ctx.state.issuer.union.slug,
        actor: ctx.state.admin ? `admin:${ctx.state.admin.clientId}` : 'anonymous',
        action, target, outcome, ip: clientIp(ctx), detail: { ...detail, status: ctx.status },
      });
    }
  });

  api.post('/members', async (ctx: AdminContext) => {
    ctx.state.audit.action = 'admin.member.upsert';
    const member = parse(schemas.memberInput, await jsonBody(ctx));
    checkInsurer(ctx, [member]);
    const [result] = await upsertMembers(ctx.state.db, ctx.state.issuer.union.slug, [member]);
    ctx.state.audit.target = result.id;
    ctx.status = result.created ? 201 : 200;
    ctx.body = result;
  });

  api.post('/members/import', async (ctx: AdminContext) => {
    ctx.state.audit.action = 'admin.member.import';
    const { members } = parse(schemas.memberImport, await jsonBody(ctx));
    checkInsurer(ctx, members);
    const results = await upsertMembers(ctx.state.db, ctx.state.issuer.union.slug, members);
    const created = results.filter((r) => r.created).length;
    ctx.state.audit.detail = { created, updated: results.length - created };
    ctx.body = { created, updated: results.length - created, members: results };
  });

  api.get('/members/:memberId', async (ctx: AdminContext) => {
    ctx.state.audit = { action: 'admin.member.read', target: ctx.params.memberId };
    const member = await memberOr404(ctx, ctx.params.memberId);
    const row = await ctx.state.db<AccountRow>('accounts').where({ member_id: member.id }).first();
    ctx.body = { ...member, account: row ? accountView(ctx, toAccount(row)) : null };
  });

  api.post('/members/:memberId/temporary-credentials', async (ctx: AdminContext) => {
    ctx.state.audit = { action: 'admin.temporary_credentials.issue', target: ctx.params.memberId };
    const member = await memberOr404(ctx, ctx.params.memberId);
    const { union } = ctx.state.issuer;
    const issued = await issueTemporaryCredentials(ctx.state.db, {
      unionSlug: union.slug, memberId: member.id, validDays: union.policy.temporaryCredentialDays,
      issuedBy: `admin:${ctx.state.admin.clientId}`,
    });
    ctx.state.audit.detail = { accountId: issued.accountId, temporaryUserId: issued.temporaryUserId };
    ctx.status = 201;
    ctx.body = { ...issued, expiresAt: new Date(issued.expiresAt).toISOString() };
  });

  api.get('/accounts', async (ctx: AdminContext) => {
    ctx.state.audit.action = 'admin.account.search';
    const { user_id } = parse(schemas.accountQuery, ctx.query);
    const row = await ctx.state.db<AccountRow>('accounts')
      .where({ union_slug: ctx.state.issuer.union.slug, user_id: normalizeLoginId(user_id) }).first();
    ctx.body = { accounts: row ? [accountView(ctx, toAccount(row))] : [] };
  });

  api.get('/accounts/:accountId/lockout', async (ctx: AdminContext) => {
    ctx.state.audit = { action: 'admin.account.lockout.read', target: ctx.params.accountId };
    const account = await requireAccount(ctx, ctx.params.accountId);
    ctx.body = lockoutState(account, ctx.state.issuer.union.policy.lockoutThreshold);
  });

  api.post('/accounts/:accountId/unlock', async (ctx: AdminContext) => {
    ctx.state.audit = { action: 'admin.account.unlock', target: ctx.params.accountId };
    const account = await requireAccount(ctx, ctx.params.accountId);
    await unlock(ctx.state.db, account.id);
    ctx.body = lockoutState({ failedAttempts: 0, lockedAt: null }, ctx.state.issuer.union.policy.lockoutThreshold);
  });

  api.put('/members/:memberId/name', async (ctx: AdminContext) => {
    ctx.state.audit = { action: 'admin.member.rename', target: ctx.params.memberId };
    const member = await memberOr404(ctx, ctx.params.memberId);
    const input = parse(schemas.displayNameInput, await jsonBody(ctx));
    await renameMember(ctx.state.db, member.id, input);
    ctx.state.audit.detail = { from: member.nameKanji, to: input.nameKanji };
    ctx.body = { ...member, ...input };
  });

  api.get('/accounts/:accountId/credentials', async (ctx: AdminContext) => {
    ctx.state.audit = { action: 'admin.account.credentials.read', target: ctx.params.accountId };
    const account = await requireAccount(ctx, ctx.params.accountId);
    const credentials = await listCredentials(ctx.state.db, account.id);
    ctx.body = {
      preferredMethod: account.preferredMfa,
      emailOtp: account.emailVerified,
      credentials: credentials.map((c) => ({ id: c.id, type: c.type, label: c.label, createdAt: c.createdAt, lastUsedAt: c.lastUsedAt })),
      recoveryCodesRemaining: await remainingRecoveryCodes(ctx.state.db, account.id),
    };
  });

  api.post('/accounts/:accountId/mfa/reset', async (ctx: AdminContext) => {
    ctx.state.audit = { action: 'admin.account.mfa.reset', target: ctx.params.accountId };
    const account = await requireAccount(ctx, ctx.params.accountId);
    const { db, issuer: { union } } = ctx.state;
    // A lost phone: its factors go, the member chooses and sets up a method again at the next login,
    // and every session (possibly on the lost phone) ends.
    const { removed, ended, relyingParties } = await db.transaction(async (trx) => {
      const count = await removeAllCredentials(trx, account.id);
      // Recovery codes are second factors too: a reset leaves none of the old ones.
      await deleteRecoveryCodes(trx, account.id);
      await trx('accounts').where({ id: account.id }).update({ preferred_mfa: null, updated_at: Date.now() });
      const sessions = await endAllSessions(trx, union.slug, account.id);
      return { removed: count, ended: sessions, relyingParties: await queueBackchannelLogouts(trx, ctx.state.issuer.provider, sessions) };
    });
    wakeBackchannelWorker(relyingParties);
    ctx.state.audit.detail = { removed, endedSessions: ended.length, relyingParties };
    await announceFactorChange({ db, mailer: ctx.state.mailer, union, issuerUrl: ctx.state.issuer.provider.issuer }, account, {
      kind: 'reset', method: 'all', actor: 'admin', ip: clientIp(ctx),
    });
    ctx.body = { removedCredentials: removed };
  });

  api.get('/accounts/:accountId/sessions', async (ctx: AdminContext) => {
    ctx.state.audit = { action: 'admin.account.sessions.read', target: ctx.params.accountId };
    const account = await requireAccount(ctx, ctx.params.accountId);
    const sessions = await listSessions(ctx.state.db, ctx.state.issuer.union.slug, account.id);
    // Device names as before (stop-gap until the admin API's language is settled).
    ctx.body = { sessions: sessions.map((s) => ({ ...s, device: s.device && idpText('ja').say(s.device) })) };
  });

  api.delete('/accounts/:accountId/sessions', async (ctx: AdminContext) => {
    ctx.state.audit = { action: 'admin.account.sessions.end', target: ctx.params.accountId };
    const account = await requireAccount(ctx, ctx.params.accountId);
    const { ended, relyingParties } = await ctx.state.db.transaction(async (trx) => {
      const sessions = await endAllSessions(trx, ctx.state.issuer.union.slug, account.id);
      return { ended: sessions, relyingParties: await queueBackchannelLogouts(trx, ctx.state.issuer.provider, sessions) };
    });
    wakeBackchannelWorker(relyingParties);
    ctx.state.audit.detail = { endedSessions: ended.length, relyingParties };
    ctx.status = 204;
  });

  api.get('/clients/:clientId/backchannel-deliveries', async (ctx: AdminContext) => {
    ctx.state.audit = { action: 'admin.client.backchannel_deliveries.read', target: ctx.params.clientId };
    const query = parse(schemas.backchannelDeliveryQuery, ctx.query);
    if (!(await ctx.state.issuer.provider.Client.find(ctx.params.clientId))) throw notFound('client');
    const deliveries = await listDeliveries(ctx.state.db, ctx.state.issuer.union.slug, { clientId: ctx.params.clientId, ...query });
    ctx.body = {
      deliveries: deliveries.map((d) => ({
        id: d.id, status: statusOf(d), sub: d.sub, sid: d.sid, attempts: d.attempts, createdAt: d.createdAt,
        nextAttemptAt: statusOf(d) === 'pending' ? d.nextAttemptAt : null, lastError: d.lastError, deliveredAt: d.deliveredAt, abandonedAt: d.abandonedAt,
      })),
    };
  });

  api.get('/accounts/:accountId/devices', async (ctx: AdminContext) => {
    ctx.state.audit = { action: 'admin.account.devices.read', target: ctx.params.accountId };
    const account = await requireAccount(ctx, ctx.params.accountId);
    const devices = await listTrustedDevices(ctx.state.db, ctx.state.issuer.union.slug, account.id);
    ctx.body = { devices: devices.map((d) => ({ ...d, device: idpText('ja').say(d.device) })) };
  });

  // Forgetting a browser makes it an unknown one for the lockout (a lost or shared computer).
  api.delete('/accounts/:accountId/devices', async (ctx: AdminContext) => {
    ctx.state.audit = { action: 'admin.account.devices.forget', target: ctx.params.accountId };
    const account = await requireAccount(ctx, ctx.params.accountId);
    ctx.state.audit.detail = { forgotten: await revokeTrustedDevices(ctx.state.db, ctx.state.issuer.union.slug, account.id) };
    ctx.status = 204;
  });

  api.post('/migrated-accounts', async (ctx: AdminContext) => {
    ctx.state.audit.action = 'admin.account.migrate';
    const { accounts } = parse(schemas.migratedAccounts, await jsonBody(ctx));
    const result = await importMigratedAccounts(ctx.state.db, ctx.state.issuer.union.slug, accounts, ctx.state.issuer.union.policy.temporaryCredentialDays);
    if (!result.ok) throw invalidFields(result.details);
    ctx.state.audit.detail = { count: result.accounts.length };
    ctx.body = { accounts: result.accounts };
  });

  api.get('/terms', async (ctx: AdminContext) => {
    ctx.state.audit.action = 'admin.terms.read';
    const terms = await currentTerms(ctx.state.db, ctx.state.issuer.union.slug);
    if (!terms) throw notFound('terms');
    ctx.body = terms;
  });

  api.post('/terms', async (ctx: AdminContext) => {
    ctx.state.audit.action = 'admin.terms.publish';
    const input = parse(schemas.termsInput, await jsonBody(ctx));
    const terms = await publishTerms(ctx.state.db, ctx.state.issuer.union.slug, { ...input, publishedBy: `admin:${ctx.state.admin.clientId}` });
    ctx.state.audit.detail = { version: terms.version };
    ctx.status = 201;
    ctx.body = terms;
  });

  api.get('/keys', async (ctx: AdminContext) => {
    ctx.state.audit.action = 'admin.keys.read';
    ctx.body = { keys: (await listSigningKeys(ctx.state.db, ctx.state.issuer.union.slug)).map(keyView) };
  });

  // A new key is published now and signs later; the old one stays published until what it signed has expired.
  api.post('/keys/rotate', async (ctx: AdminContext) => {
    ctx.state.audit.action = 'admin.keys.rotate';
    const { union } = ctx.state.issuer;
    const timing = rotationTiming(union, parse(schemas.keyRotation, await jsonBody(ctx)));
    try {
      const { next, previous } = await rotateSigningKey(ctx.state.db, union.slug, new SecretBox(ctx.state.dataKey), timing);
      ctx.state.audit = { action: 'admin.keys.rotate', target: next.kid, detail: { ...timing, previous: previous.kid, activatesAt: next.activatesAt, previousRetiresAt: previous.retiresAt } };
      ctx.status = 201;
      ctx.body = { next: keyView(next), previous: keyView(previous) };
    } catch (err) {
      if (err instanceof RotationPendingError) {
        throw new ApiError(409, 'rotation_pending', { key: 'admin.error.rotationPending', params: { kid: err.next.kid, activatesAt: new Date(err.next.activatesAt).toISOString() } });
      }
      throw err;
    }
  });

  api.get('/audit', async (ctx: AdminContext) => {
    ctx.state.audit.action = 'admin.audit.read';
    const query = parse(schemas.auditQuery, ctx.query);
    ctx.body = { entries: await listAudit(ctx.state.db, ctx.state.issuer.union.slug, query) };
  });

  addPostcardRoutes(api);

  return [docs, api];
}

function checkInsurer(ctx: AdminContext, members: { insurerNumber: string }[]) {
  const expected = ctx.state.issuer.union.insurerNumber;
  const details = members.flatMap((m, i) => (m.insurerNumber === expected ? [] : [{
    field: members.length > 1 ? `members.${i}.insurerNumber` : 'insurerNumber',
    said: { key: 'admin.field.otherInsurer' as const, params: { expected } },
  }]));
  if (details.length) throw invalidFields(details);
}

async function memberOr404(ctx: AdminContext, id: string) {
  const member = schemas.uuid.safeParse(id).success ? await findMember(ctx.state.db, ctx.state.issuer.union.slug, id) : undefined;
  if (!member) throw notFound('member');
  return member;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const keyView = (k: SigningKeyInfo) => ({ kid: k.kid, state: k.state, createdAt: isoOrNull(k.createdAt), activatesAt: isoOrNull(k.activatesAt), retiresAt: isoOrNull(k.retiresAt) });

function accountView(ctx: AdminContext, account: ReturnType<typeof toAccount>) {
  return {
    id: account.id,
    memberId: account.memberId,
    userId: account.userId,
    email: account.email,
    lockout: lockoutState(account, ctx.state.issuer.union.policy.lockoutThreshold),
    // The member reported a factor change as not theirs (the notice mail's link).
    attentionRequestedAt: account.attentionRequestedAt === null ? null : new Date(account.attentionRequestedAt).toISOString(),
  };
}
