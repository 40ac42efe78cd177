import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';
import type { UnionContext } from '../http/context.js';
import { consolePath } from './client.js';

/** A login to the console in progress (authorization code + PKCE + state + nonce). */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  /** Set for a re-authentication: the member must come back as the same account. */
  sub?: string;
}

/** The member logged in to the console, as the ID token said. */
export interface ConsoleMember {
  sub: string;
  /** Seconds since the epoch. */
  authTime: number;
  acr: string;
  amr: string[];
  idToken: string;
  /** The console's grant at the IdP: finds the IdP session this browser is logged in with. */
  grantId?: string;
  /** The uid of that IdP session. */
  idpSessionUid?: string;
}

export interface ConsoleSession {
  id: string;
  accountId: string | null;
  pending?: PendingLogin;
  member?: ConsoleMember;
  /** A method chosen in プロフィール変更 before it was registered: preferred once its set-up succeeds. */
  prefer?: 'totp' | 'passkey';
}

const COOKIE = 'kenpo_account';
/** Idle lifetime; every request moves it forward. */
const IDLE_MS = 30 * 60_000;

/** The console's cookie: signed, HttpOnly, SameSite=Lax, Secure on https, only under `/u/<slug>/account`. */
function cookieOptions(ctx: UnionContext) {
  return {
    signed: true, httpOnly: true, sameSite: 'lax' as const, path: consolePath(ctx.state.issuer.union.slug),
    secure: ctx.state.issuer.provider.issuer.startsWith('https:'), overwrite: true,
  };
}

export async function loadConsoleSession(ctx: UnionContext): Promise<ConsoleSession | undefined> {
  const id = ctx.cookies.get(COOKIE, { signed: true });
  if (!id) return undefined;
  const row = await ctx.state.db('account_console_sessions')
    .where({ id, union_slug: ctx.state.issuer.union.slug }).andWhere('expires_at', '>', Date.now()).first();
  if (!row) return undefined;
  await ctx.state.db('account_console_sessions').where({ id }).update({ expires_at: Date.now() + IDLE_MS });
  const data = JSON.parse(row.data) as { pending?: PendingLogin; member?: ConsoleMember; prefer?: 'totp' | 'passkey' };
  return { id, accountId: row.account_id, ...data };
}

/** Stores the session; `rotate` gives it a new id (at login, so a planted cookie is worthless). */
export async function saveConsoleSession(ctx: UnionContext, session: ConsoleSession, rotate = false): Promise<ConsoleSession> {
  const { db, issuer } = ctx.state;
  const data = JSON.stringify({ pending: session.pending, member: session.member, prefer: session.prefer });
  const now = Date.now();
  if (rotate || !session.id) {
    if (session.id) await db('account_console_sessions').where({ id: session.id }).delete();
    const id = crypto.randomBytes(24).toString('base64url');
    await db('account_console_sessions').insert({
      id, union_slug: issuer.union.slug, account_id: session.accountId, data, created_at: now, expires_at: now + IDLE_MS,
    });
    ctx.cookies.set(COOKIE, id, cookieOptions(ctx));
    return { ...session, id };
  }
  await db('account_console_sessions').where({ id: session.id }).update({ account_id: session.accountId, data, expires_at: now + IDLE_MS });
  return session;
}

export async function endConsoleSession(ctx: UnionContext, session: ConsoleSession | undefined): Promise<void> {
  if (session) await ctx.state.db('account_console_sessions').where({ id: session.id }).delete();
  ctx.cookies.set(COOKIE, null, cookieOptions(ctx));
}

/** Signs the member out of the console everywhere except `keepId` (with 全てのデバイスからサインアウトする). */
export async function endOtherConsoleSessions(db: Database, unionSlug: string, accountId: string, keepId: string): Promise<void> {
  await db('account_console_sessions').where({ union_slug: unionSlug, account_id: accountId }).whereNot({ id: keepId }).delete();
}

/** Signs the member out of the console everywhere (a change reported as not theirs). */
export async function endAllConsoleSessions(db: Database, unionSlug: string, accountId: string): Promise<void> {
  await db('account_console_sessions').where({ union_slug: unionSlug, account_id: accountId }).delete();
}
