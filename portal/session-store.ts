import session from 'express-session';
import type { Database } from '../migrations/database.js';
import { purgeExpiredLogins } from './session-logins.js';

/** express-session store on the portal_sessions table, so sessions survive restarts and scale out. */
export class KnexSessionStore extends session.Store {
  constructor(private readonly db: Database, private readonly ttlMs: number) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    this.db('portal_sessions').where({ sid }).andWhere('expires_at', '>', Date.now()).first('data')
      .then((row: { data: string } | undefined) => callback(null, row ? JSON.parse(row.data) : null), callback);
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    const expiresAt = data.cookie?.expires ? new Date(data.cookie.expires).getTime() : Date.now() + this.ttlMs;
    const values = { data: JSON.stringify(data), expires_at: expiresAt };
    this.db('portal_sessions').insert({ sid, ...values }).onConflict('sid').merge(values)
      .then(() => callback?.(), callback);
  }

  /** Extends a live session only: a request still in flight must not bring back a session just destroyed (logout). */
  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    const expiresAt = data.cookie?.expires ? new Date(data.cookie.expires).getTime() : Date.now() + this.ttlMs;
    this.db('portal_sessions').where({ sid }).update({ expires_at: expiresAt })
      .then(() => callback?.(), () => callback?.());
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.db('portal_sessions').where({ sid }).delete().then(() => callback?.(), callback);
  }

  /** Deletes expired sessions and their back-channel logout index. */
  async purge(): Promise<number> {
    await purgeExpiredLogins(this.db);
    return this.db('portal_sessions').where('expires_at', '<=', Date.now()).delete();
  }
}
