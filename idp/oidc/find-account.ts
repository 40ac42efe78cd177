import type { Account as OidcAccount, KoaContextWithOIDC } from 'oidc-provider';
import { supportedLocale } from '../../i18n/locale.js';
import { RESOURCES } from './resources.js';
import type { Database } from '../../migrations/database.js';
import { findAccountInRequest } from '../accounts/account-repository.js';
import { findMember } from '../members/member-repository.js';

/** Resolves an OIDC subject (the account id) to its claims, within one union only. */
export function accountFinder(db: Database, unionSlug: string) {
  return async (_ctx: KoaContextWithOIDC, sub: string): Promise<OidcAccount | undefined> => {
    const account = await findAccountInRequest(db, unionSlug, sub);
    if (!account) return undefined;
    return {
      accountId: account.id,
      async claims() {
        const member = await findMember(db, unionSlug, account.memberId);
        return {
          sub: account.id,
          name: member?.nameKanji,
          name_kana: member?.nameKana,
          preferred_username: account.userId ?? undefined,
          email: account.email ?? undefined,
          email_verified: account.email ? account.emailVerified : undefined,
          // The member's 言語 (OIDC `locale`): the portal shows its pages in it.
          locale: supportedLocale(account.language),
        };
      },
    };
  };
}

/**
 * The portal's JWT access tokens carry the member's insurance-card identity, so the portal finds the
 * household from the token alone and never from anything in a request.
 */
export function householdClaims(db: Database, unionSlug: string) {
  return async (_ctx: KoaContextWithOIDC, token: { accountId?: string; aud?: unknown; kind: string }) => {
    if (token.kind !== 'AccessToken' || token.aud !== RESOURCES.portal || !token.accountId) return undefined;
    const account = await findAccountInRequest(db, unionSlug, token.accountId);
    const member = account && await findMember(db, unionSlug, account.memberId);
    if (!member) return undefined;
    return {
      insurer_number: member.insurerNumber, kigo: member.kigo, bango: member.bango,
      edaban: member.edaban, relation: member.relation,
    };
  };
}
