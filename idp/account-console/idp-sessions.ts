import type { Database } from '../../migrations/database.js';
import { storedModelId } from '../oidc/adapter.js';
import type { SecretBox } from '../security/encryption.js';

/**
 * The grant behind an access token the console received (opaque: the token is its id; JWT: its jti),
 * found under the id the adapter stores it by (a keyed hash, never the token itself).
 */
export async function grantOfAccessToken(db: Database, box: SecretBox, unionSlug: string, accessToken: string): Promise<string | undefined> {
  let id = accessToken;
  const parts = accessToken.split('.');
  if (parts.length === 3) {
    try { id = String(JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')).jti); } catch { /* opaque after all */ }
  }
  const row = await db('oidc_models').where({ union_slug: unionSlug, model: 'AccessToken', id: storedModelId(box, 'AccessToken', id) }).first('grant_id');
  return row?.grant_id ?? undefined;
}
