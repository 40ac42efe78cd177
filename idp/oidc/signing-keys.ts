import crypto from 'node:crypto';
import type { JWK } from 'oidc-provider';
import { forUpdate, type Database } from '../../migrations/database.js';
import type { SecretBox } from '../security/encryption.js';
import type { Union } from '../unions/union-repository.js';
import { TTL } from './ttl.js';

/**
 * A union's RS256 signing keys and their rotation. A key is `next` (published in the JWKS, not yet
 * signing), `signing` (the newest key whose time has come), `previous` (published, so tokens it
 * signed still verify) or `retired` (gone from the JWKS). Every IdP process derives the same states
 * from the rows and the clock, and rebuilds its provider when they change (provider-registry.ts).
 */
export type KeyState = 'next' | 'signing' | 'previous' | 'retired';

export interface SigningKeyInfo {
  kid: string;
  state: KeyState;
  createdAt: number;
  /** When it starts (or started) signing. */
  activatesAt: number;
  /** When it leaves (or left) the JWKS; null while no successor has been scheduled. */
  retiresAt: number | null;
}

/**
 * A new key is published at least this long before it signs: longer than relying parties wait
 * before they fetch a JWKS again for an unknown kid (jose, the portal's: 30 s; openid-client, the
 * account console's: 60 s), plus the processes' key check (KEY_CHECK_MS in provider-registry.ts).
 */
export const MIN_PUBLISH_SECONDS = 90;
/** By default an hour: beyond the JWKS caches of relying parties we do not know. */
export const DEFAULT_PUBLISH_SECONDS = 60 * 60;
/** The longest a token we sign stays valid (ID tokens, JWT access tokens). */
export const SIGNED_TOKEN_SECONDS = Math.max(TTL.IdToken, TTL.AccessToken);

/**
 * A rotation's timing: given values, else an hour's publication and, for the old key, the union's
 * longest IdP session — relying parties keep ID tokens as logout hints (id_token_hint) while the
 * member's session lives, and oidc-provider checks a hint's signature against the published keys.
 */
export function rotationTiming(union: Union, input: { publishSeconds?: number; retireAfterSeconds?: number }) {
  return {
    publishSeconds: input.publishSeconds ?? DEFAULT_PUBLISH_SECONDS,
    retireAfterSeconds: input.retireAfterSeconds ?? Math.max(SIGNED_TOKEN_SECONDS, union.policy.sessionLifetimes.rememberedAbsoluteSeconds),
  };
}

export class RotationPendingError extends Error {
  constructor(readonly next: SigningKeyInfo) {
    super(`key ${next.kid} is already published and starts signing at ${new Date(next.activatesAt).toISOString()}`);
  }
}

interface KeyRow { kid: string; private_jwk?: string; created_at: number; activates_at: number | null; retired_at: number | null }

function classify(rows: KeyRow[], now: number): Array<SigningKeyInfo & { row: KeyRow }> {
  const activatesAt = (r: KeyRow) => r.activates_at ?? r.created_at;
  const retired = (r: KeyRow) => r.retired_at !== null && r.retired_at <= now;
  const signing = rows.filter((r) => !retired(r) && activatesAt(r) <= now)
    .sort((a, b) => activatesAt(b) - activatesAt(a) || b.created_at - a.created_at)[0];
  return rows.map((row) => ({
    row,
    kid: row.kid,
    state: retired(row) ? 'retired' : row === signing ? 'signing' : activatesAt(row) > now ? 'next' : 'previous',
    createdAt: row.created_at,
    activatesAt: activatesAt(row),
    retiresAt: row.retired_at,
  }));
}

const rowsOf = (db: Database, unionSlug: string, columns: string[]): Promise<KeyRow[]> =>
  db('signing_keys').where({ union_slug: unionSlug }).orderBy('created_at', 'desc').select(columns);
const SCHEDULE = ['kid', 'created_at', 'activates_at', 'retired_at'];

/** Which keys are published and which signs at `now`, as one string: it changes exactly when the provider must be rebuilt. */
function versionOf(keys: SigningKeyInfo[]): string {
  const signing = keys.find((k) => k.state === 'signing')?.kid ?? '';
  return [signing, ...keys.filter((k) => k.state === 'next' || k.state === 'previous').map((k) => k.kid).sort()].join(' ');
}

/** The union's key schedule (newest first) with each key's state at `now`. */
export async function listSigningKeys(db: Database, unionSlug: string, now = Date.now()): Promise<SigningKeyInfo[]> {
  return classify(await rowsOf(db, unionSlug, SCHEDULE), now).map(({ row: _row, ...info }) => info);
}

/** The version of the union's published key set at `now` (a cheap query: no key is opened). */
export async function signingKeysVersion(db: Database, unionSlug: string, now = Date.now()): Promise<string> {
  return versionOf(await listSigningKeys(db, unionSlug, now));
}

/**
 * The keys a union's provider holds at `now`, the signing one first (oidc-provider signs with the
 * first matching key and publishes them all), and their version. The first key is created on first
 * use under a fixed kid, so processes starting together on one database agree on it.
 */
export async function loadSigningKeys(db: Database, unionSlug: string, box: SecretBox, now = Date.now()): Promise<{ keys: JWK[]; version: string }> {
  let rows = await rowsOf(db, unionSlug, [...SCHEDULE, 'private_jwk']);
  if (rows.length === 0) {
    await db('signing_keys').insert(newKeyRow(unionSlug, `${unionSlug}-1`, box, now, now)).onConflict('kid').ignore();
    rows = await rowsOf(db, unionSlug, [...SCHEDULE, 'private_jwk']);
  }
  const rank: Record<KeyState, number> = { signing: 0, next: 1, previous: 2, retired: 3 };
  const published = classify(rows, now).filter((k) => k.state !== 'retired').sort((a, b) => rank[a.state] - rank[b.state]);
  return { keys: published.map((k) => JSON.parse(box.open(k.row.private_jwk!)) as JWK), version: versionOf(published) };
}

function newKeyRow(unionSlug: string, kid: string, box: SecretBox, createdAt: number, activatesAt: number) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return { kid, union_slug: unionSlug, private_jwk: box.seal(JSON.stringify(jwk)), created_at: createdAt, activates_at: activatesAt };
}

/**
 * Starts a rotation: a new key, published now, signs from `publishSeconds` on; the key signing
 * until then stays published `retireAfterSeconds` longer, so what it signed still verifies. One
 * rotation at a time: while a key is `next`, another is refused (RotationPendingError).
 */
export async function rotateSigningKey(
  db: Database, unionSlug: string, box: SecretBox, timing: { publishSeconds: number; retireAfterSeconds: number }, now = Date.now(),
): Promise<{ next: SigningKeyInfo; previous: SigningKeyInfo }> {
  await loadSigningKeys(db, unionSlug, box, now); // a union that never signed gets its first key to rotate from
  const activatesAt = now + timing.publishSeconds * 1000;
  const retiresAt = activatesAt + timing.retireAfterSeconds * 1000;
  const kid = `${unionSlug.slice(0, 40)}-${new Date(now).toISOString().slice(0, 10).replace(/-/g, '')}-${crypto.randomBytes(4).toString('hex')}`;
  const row = newKeyRow(unionSlug, kid, box, now, activatesAt);
  return db.transaction(async (trx) => {
    // Two rotations at once (two admins, two processes) queue here; SQLite runs one writer anyway.
    await forUpdate(trx, trx('unions').where({ slug: unionSlug })).first('slug');
    const keys = classify(await rowsOf(trx, unionSlug, SCHEDULE), now);
    const pending = keys.find((k) => k.state === 'next');
    if (pending) throw new RotationPendingError(pending);
    const { row: _signingRow, ...signing } = keys.find((k) => k.state === 'signing')!;
    await trx('signing_keys').where({ kid: signing.kid }).update({ retired_at: retiresAt });
    await trx('signing_keys').insert(row);
    return { next: { kid, state: 'next' as const, createdAt: now, activatesAt, retiresAt: null }, previous: { ...signing, retiresAt } };
  });
}
