import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';

/** What a mailed link is for; each purpose has its own lifetime and supersedes only its own kind. */
export type LinkPurpose =
  | 'verify_email'
  | 'reset_password'
  | 'recover_user_id'
  /** Not mailed: shown only on the page a used 'recover_user_id' link opens (its パスワード初期化 button). */
  | 'issue_temporary_password'
  /** Account console: confirms a new address before it replaces the old one (payload.email). */
  | 'change_email'
  /**
   * 「心当たりがない場合」, mailed to the old address when a change is requested (payload.from, .to):
   * cancels the change or restores the old address. Never superseded by a later change's link.
   */
  | 'revert_email_change'
  /** A member with no usable second factor proves the verified address before setting one up at login (payload.chain). */
  | 'setup_factor'
  /** 「お心当たりがない場合」 in a factor-change notice: ends every session, flags the account. */
  | 'report_factor_change';

export type LinkStatus = 'valid' | 'used' | 'expired' | 'superseded' | 'unknown';

export interface OneTimeLink {
  id: string;
  accountId: string;
  payload: Record<string, string>;
  createdAt: number;
  expiresAt: number;
}

interface LinkRow {
  id: string; account_id: string; payload: string; created_at: number; expires_at: number;
  used_at: number | null; superseded_at: number | null;
}

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
const toLink = (r: LinkRow): OneTimeLink => ({
  id: r.id, accountId: r.account_id, payload: JSON.parse(r.payload), createdAt: r.created_at, expiresAt: r.expires_at,
});

/**
 * Creates a single-use link token (only its hash is stored). A newer link of the same purpose
 * makes the account's older ones useless, unless `supersede: false` (each notice's report link
 * must keep working after the next notice).
 */
export async function createLink(
  db: Database,
  args: { unionSlug: string; accountId: string; purpose: LinkPurpose; ttlMs: number; payload?: Record<string, string>; supersede?: boolean },
): Promise<{ token: string; link: OneTimeLink }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const now = Date.now();
  const row = {
    id: crypto.randomUUID(), union_slug: args.unionSlug, account_id: args.accountId, purpose: args.purpose,
    token_hash: hashToken(token), payload: JSON.stringify(args.payload ?? {}), created_at: now, expires_at: now + args.ttlMs,
  };
  await db.transaction(async (trx) => {
    if (args.supersede !== false) {
      await trx('one_time_links').where({ account_id: args.accountId, purpose: args.purpose })
        .whereNull('used_at').whereNull('superseded_at').update({ superseded_at: now });
    }
    await trx('one_time_links').insert(row);
  });
  return { token, link: toLink({ ...row, used_at: null, superseded_at: null }) };
}

function statusOf(row: LinkRow | undefined, now: number): LinkStatus {
  if (!row) return 'unknown';
  if (row.used_at !== null) return 'used';
  if (row.superseded_at !== null) return 'superseded';
  return row.expires_at <= now ? 'expired' : 'valid';
}

function findRow(db: Database, unionSlug: string, purpose: LinkPurpose, token: string) {
  return db('one_time_links').where({ union_slug: unionSlug, purpose, token_hash: hashToken(token) }).first();
}

/** Looks at a link without using it (a mail scanner's GET must not consume it). */
export async function inspectLink(db: Database, unionSlug: string, purpose: LinkPurpose, token: string) {
  const row = await findRow(db, unionSlug, purpose, token);
  return { status: statusOf(row, Date.now()), link: row && toLink(row) };
}

/** Uses the link: exactly one caller ever gets `valid` for a token. */
export async function consumeLink(db: Database, unionSlug: string, purpose: LinkPurpose, token: string) {
  const now = Date.now();
  const used = await db('one_time_links')
    .where({ union_slug: unionSlug, purpose, token_hash: hashToken(token) })
    .whereNull('used_at').whereNull('superseded_at').andWhere('expires_at', '>', now)
    .update({ used_at: now });
  const row = await findRow(db, unionSlug, purpose, token);
  return used === 1 ? { status: 'valid' as const, link: toLink(row!) } : { status: statusOf(row, now), link: undefined };
}

/** The account's newest live link of a purpose, if any (to show "mail sent" and pace resends). */
export async function pendingLink(db: Database, accountId: string, purpose: LinkPurpose): Promise<OneTimeLink | undefined> {
  const row: LinkRow | undefined = await db('one_time_links').where({ account_id: accountId, purpose })
    .whereNull('used_at').whereNull('superseded_at').andWhere('expires_at', '>', Date.now())
    .orderBy('created_at', 'desc').first();
  return row && toLink(row);
}

/**
 * Has a link of these purposes, created for the login `chainId` (payload.chain), been used? A
 * mailed link proves the mailbox to the login that asked for it, and to no other.
 */
export async function usedLinkOfChain(db: Database, accountId: string, purposes: readonly LinkPurpose[], chainId: string): Promise<boolean> {
  const rows: Array<{ payload: string }> = await db('one_time_links').where({ account_id: accountId })
    .whereIn('purpose', [...purposes]).whereNotNull('used_at')
    .andWhere('created_at', '>', Date.now() - 24 * 60 * 60_000).select('payload');
  return rows.some((r) => (JSON.parse(r.payload) as Record<string, string>).chain === chainId);
}

/**
 * Makes the account's live links of a purpose useless (a cancelled change); with `createdAfter`,
 * only those created after that moment.
 */
export async function supersedeLinks(db: Database, accountId: string, purpose: LinkPurpose, options: { createdAfter?: number } = {}): Promise<void> {
  const query = db('one_time_links').where({ account_id: accountId, purpose }).whereNull('used_at').whereNull('superseded_at');
  if (options.createdAfter !== undefined) query.andWhere('created_at', '>', options.createdAfter);
  await query.update({ superseded_at: Date.now() });
}
