/**
 * POST /postcards: the 「Webサービスのご案内」 postcards for a list of members. Each member gets new
 * temporary credentials (earlier ones stop working), all or nothing, and the response is a zip with
 * the printable PDF and the print shop's CSV — the only place the temporary passwords ever appear.
 */
import type Router from '@koa/router';
import { issueTemporaryCredentialsBatch, type IssuedTemporaryCredentials } from '../accounts/temporary-credentials.js';
import { findMembers, type Member } from '../members/member-repository.js';
import { postcardBundle, postcardBundleName } from '../postcards/bundle.js';
import type { Postcard, PostcardBatch } from '../postcards/postcard.js';
import type { Union } from '../unions/union-repository.js';
import { invalidFields } from './errors.js';
import { jsonBody, parse, type AdminContext, type AdminState } from './request.js';
import * as schemas from './schemas.js';

/**
 * Where the postcard sends members: the union's portal when it has one; otherwise the account
 * console, which starts a login at the union's issuer (the issuer URL itself is no page).
 */
export function postcardUrl(union: Union, issuer: string): string {
  return union.policy.portalUrl ?? `${issuer}/account/`;
}

/** Every id must be a member of this union; otherwise the whole batch is refused, naming each bad entry. */
async function membersOf(ctx: AdminContext, ids: string[]): Promise<Member[]> {
  const found = await findMembers(ctx.state.db, ctx.state.issuer.union.slug, ids);
  const details = ids.flatMap((id, i) => (found.has(id) ? [] : [{ field: `memberIds.${i}`, said: 'admin.field.notMember' as const }]));
  if (details.length) throw invalidFields(details);
  return ids.map((id) => found.get(id)!);
}

function toPostcard(member: Member, issued: IssuedTemporaryCredentials): Postcard {
  const { kigo, bango, nameKanji, nameKana } = member;
  const { temporaryUserId, temporaryPassword, expiresAt } = issued;
  return { kigo, bango, nameKanji, nameKana, temporaryUserId, temporaryPassword, expiresAt };
}

export function addPostcardRoutes(api: Router<AdminState>): void {
  api.post('/postcards', async (ctx: AdminContext) => {
    // The audit entry says how many, never who got which password.
    ctx.state.audit.action = 'admin.postcards.issue';
    const { memberIds } = parse(schemas.postcardBatch, await jsonBody(ctx));
    const members = await membersOf(ctx, memberIds);
    const { db, issuer: { union, provider } } = ctx.state;
    const download = await issueTemporaryCredentialsBatch(db, {
      unionSlug: union.slug, memberIds, validDays: union.policy.temporaryCredentialDays,
      issuedBy: `admin:${ctx.state.admin.clientId}`,
    }, async (issued, issuedAt) => {
      const batch: PostcardBatch = {
        unionName: union.name,
        url: postcardUrl(union, provider.issuer),
        issuedAt,
        postcards: issued.map((credentials, i) => toPostcard(members[i], credentials)),
      };
      // Made before the transaction commits: if the files cannot be made, nothing is issued.
      return { name: postcardBundleName(union.slug, batch), zip: await postcardBundle(batch) };
    });
    ctx.state.audit.detail = { count: memberIds.length };
    ctx.set('Content-Disposition', `attachment; filename="${download.name}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/zip';
    ctx.body = download.zip;
  });
}
