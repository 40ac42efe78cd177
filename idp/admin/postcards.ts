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

/** The streamed answer's media type: one JSON object a line (progress, then the result or an error). */
export const PROGRESS_MEDIA_TYPE = 'application/x-ndjson';

/** What an admin client reads, one JSON object a line, when it asks for progress. */
export type PostcardEvent =
  | { type: 'progress'; phase: 'hashing' | 'writing' | 'rendering'; done: number; total: number }
  | { type: 'result'; filename: string; contentType: 'application/zip'; zipBase64: string }
  | { type: 'error'; error: { code: string; message: string } };

const PROGRESS_EVERY_MS = 500; // a line at most this often per phase, plus each phase's first and last

/** Writes progress lines to the response as they come, at most one per interval and phase. */
function progressWriter(write: (event: PostcardEvent) => void) {
  let last = { phase: '', at: 0 };
  return (phase: 'hashing' | 'writing' | 'rendering', done: number, total: number) => {
    const now = Date.now();
    if (phase === last.phase && done < total && now - last.at < PROGRESS_EVERY_MS) return;
    last = { phase, at: now };
    write({ type: 'progress', phase, done, total });
  };
}

export function addPostcardRoutes(api: Router<AdminState>): void {
  api.post('/postcards', async (ctx: AdminContext) => {
    // The audit entry says how many, never who got which password.
    ctx.state.audit.action = 'admin.postcards.issue';
    const { memberIds } = parse(schemas.postcardBatch, await jsonBody(ctx));
    const members = await membersOf(ctx, memberIds);
    const { db, issuer: { union, provider } } = ctx.state;
    ctx.state.audit.detail = { count: memberIds.length };
    // A client that accepts NDJSON (and prefers it to a zip) gets progress as the batch goes.
    const streamed = ctx.accepts('application/zip', PROGRESS_MEDIA_TYPE) === PROGRESS_MEDIA_TYPE;
    const write = (event: PostcardEvent) => ctx.res.write(`${JSON.stringify(event)}\n`);
    const progress = progressWriter(write);
    if (streamed) {
      // Answered here, line by line: validation passed, so from now on the status is 200 and the
      // outcome (result or error) is the last line; the audit entry below still records it.
      ctx.respond = false;
      ctx.res.writeHead(200, { 'Content-Type': `${PROGRESS_MEDIA_TYPE}; charset=utf-8`, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    }
    try {
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
        const zip = await postcardBundle(batch, streamed ? (done) => progress('rendering', done, batch.postcards.length) : undefined);
        // An admin who gave up waiting would never see these passwords: issue nothing rather than lose them.
        if (ctx.req.socket.destroyed) throw new Error('the admin client went away before the postcards were ready');
        return { name: postcardBundleName(union.slug, batch), zip };
      }, streamed ? ({ phase, done, total }) => progress(phase, done, total) : undefined);
      if (streamed) {
        write({ type: 'result', filename: download.name, contentType: 'application/zip', zipBase64: download.zip.toString('base64') });
        ctx.res.end();
        return;
      }
      ctx.set('Content-Disposition', `attachment; filename="${download.name}"`);
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'application/zip';
      ctx.body = download.zip;
    } catch (err) {
      if (!streamed) throw err;
      write({ type: 'error', error: { code: 'server_error', message: 'The batch failed; nothing was issued.' } });
      ctx.res.end();
      throw err; // the audit entry records the failure
    }
  });
}
