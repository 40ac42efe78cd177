import crypto from 'node:crypto';
import type { JWK } from 'oidc-provider';
import type { Database } from '../../migrations/database.js';
import type { SecretBox } from '../security/encryption.js';

interface KeyRow { kid: string; private_jwk: string }

/**
 * The union's signing keys, newest first (the first one signs). The first key is created on first
 * start under a fixed kid, so processes starting together on one database agree on it.
 */
export async function loadSigningKeys(db: Database, unionSlug: string, box: SecretBox): Promise<JWK[]> {
  let rows = await activeKeys(db, unionSlug);
  if (rows.length === 0) {
    const kid = `${unionSlug}-1`;
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
    await db('signing_keys')
      .insert({ kid, union_slug: unionSlug, private_jwk: box.seal(JSON.stringify(jwk)), created_at: Date.now() })
      .onConflict('kid').ignore();
    rows = await activeKeys(db, unionSlug);
  }
  return rows.map((row) => JSON.parse(box.open(row.private_jwk)) as JWK);
}

function activeKeys(db: Database, unionSlug: string): Promise<KeyRow[]> {
  return db('signing_keys')
    .where({ union_slug: unionSlug })
    .whereNull('retired_at')
    .orderBy('created_at', 'desc')
    .select('kid', 'private_jwk');
}
