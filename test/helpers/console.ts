import type { Database } from '../../migrations/database.js';

/** Moves the member's last authentication back in time (the console's record and the IdP session's login time). */
export async function ageAuthentication(db: Database, unionSlug: string, accountId: string, seconds: number): Promise<void> {
  for (const row of await db('account_console_sessions').where({ account_id: accountId })) {
    const data = JSON.parse(row.data);
    if (data.member) data.member.authTime -= seconds;
    await db('account_console_sessions').where({ id: row.id }).update({ data: JSON.stringify(data) });
  }
  for (const row of await db('oidc_models').where({ union_slug: unionSlug, model: 'Session', account_id: accountId })) {
    const payload = JSON.parse(row.payload);
    payload.loginTs -= seconds;
    await db('oidc_models').where({ union_slug: unionSlug, model: 'Session', id: row.id }).update({ payload: JSON.stringify(payload) });
  }
}
