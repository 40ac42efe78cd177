import { findAccountInRequest } from '../accounts/account-repository.js';
import type { UnionContext } from '../http/context.js';

/** A mailed link's page is in its member's own language (言語) unless this browser chose one (the switch). */
export async function hintMemberLocale(ctx: UnionContext, accountId: string | undefined): Promise<void> {
  const account = accountId ? await findAccountInRequest(ctx.state.db, ctx.state.issuer.union.slug, accountId) : undefined;
  ctx.state.localeHints = { member: account?.language };
}
