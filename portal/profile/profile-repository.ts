import type { Database } from '../../migrations/database.js';
import { parseProfileText, type ProfileField, type ProfileText } from './profile-text.js';

/** A member's 個人設定 in one union, without the avatar's bytes (the pages and the header need only its version). */
export interface Profile extends ProfileText {
  /** Grows with every new avatar and every deletion; 0 before the first. */
  avatarVersion: number;
  hasAvatar: boolean;
  avatarUpdatedAt: number | null;
  updatedAt: number;
}

/** The stored avatar: the portal's own WebP encoding, never an uploaded file. */
export interface StoredAvatar {
  image: Buffer;
  version: number;
  updatedAt: number;
}

const TABLE = 'portal_profiles';
const key = (unionSlug: string, sub: string) => ({ union_slug: unionSlug, sub });

interface Row {
  nickname: string | null; introduction: string | null; has_avatar: number | boolean;
  avatar_version: number | string; avatar_updated_at: number | string | null; updated_at: number | string;
}

const fromRow = (r: Row): Profile => ({
  nickname: r.nickname, introduction: r.introduction, hasAvatar: Boolean(Number(r.has_avatar)),
  avatarVersion: Number(r.avatar_version), avatarUpdatedAt: r.avatar_updated_at === null ? null : Number(r.avatar_updated_at), updatedAt: Number(r.updated_at),
});

/** The member's profile; undefined until they first save something. */
export async function findProfile(db: Database, unionSlug: string, sub: string): Promise<Profile | undefined> {
  const row = await db(TABLE).where(key(unionSlug, sub))
    .first('nickname', 'introduction', 'avatar_version', 'avatar_updated_at', 'updated_at',
      db.raw('case when avatar is null then 0 else 1 end as has_avatar'));
  return row ? fromRow(row) : undefined;
}

/** Writes the fields of one row, creating it on the member's first save. */
async function upsert(db: Database, unionSlug: string, sub: string, fields: Record<string, unknown>): Promise<void> {
  const now = Date.now();
  await db(TABLE).insert({ ...key(unionSlug, sub), created_at: now, updated_at: now, ...fields })
    .onConflict(['union_slug', 'sub']).merge({ updated_at: now, ...fields });
}

/**
 * Saves the nickname and self-introduction, which must be as parseProfileText() leaves them (trimmed,
 * within their lengths, no control characters). Returns which of them changed, for the audit log.
 */
export async function saveProfileText(db: Database, unionSlug: string, sub: string, text: ProfileText): Promise<ProfileField[]> {
  const checked = parseProfileText({ nickname: text.nickname ?? '', introduction: text.introduction ?? '' });
  if (!checked.ok || checked.value.nickname !== text.nickname || checked.value.introduction !== text.introduction) {
    throw new Error('profile text must be stored as parseProfileText() returns it');
  }
  return db.transaction(async (trx) => {
    const before = await findProfile(trx, unionSlug, sub);
    const changed = (['nickname', 'introduction'] as const).filter((field) => (before?.[field] ?? null) !== text[field]);
    if (changed.length > 0 || !before) await upsert(trx, unionSlug, sub, { nickname: text.nickname, introduction: text.introduction });
    return changed;
  });
}

const isWebp = (image: Buffer) => image.subarray(0, 4).toString('latin1') === 'RIFF' && image.subarray(8, 12).toString('latin1') === 'WEBP';

/** Replaces the avatar with one the portal encoded (processAvatar's WebP); returns its new version. */
export async function saveAvatar(db: Database, unionSlug: string, sub: string, image: Buffer): Promise<number> {
  if (!isWebp(image)) throw new Error('only the portal\'s own WebP encoding is stored as an avatar');
  return db.transaction(async (trx) => {
    const now = Date.now();
    await trx(TABLE).insert({ ...key(unionSlug, sub), created_at: now, updated_at: now }).onConflict(['union_slug', 'sub']).ignore();
    return (await bumpAvatar(trx, unionSlug, sub, image, now))!;
  });
}

/** Removes the avatar; returns the new version, or undefined when there was none. */
export function deleteAvatar(db: Database, unionSlug: string, sub: string): Promise<number | undefined> {
  return bumpAvatar(db, unionSlug, sub, null, Date.now());
}

/** Sets or clears the avatar of an existing row (clearing only one that is there), counting its version on. */
async function bumpAvatar(db: Database, unionSlug: string, sub: string, image: Buffer | null, now: number): Promise<number | undefined> {
  const rows: Array<{ avatar_version: number | string }> = await db(TABLE).where(key(unionSlug, sub))
    .modify((q) => { if (!image) q.whereNotNull('avatar'); })
    .update({ avatar: image, avatar_updated_at: image ? now : null, updated_at: now, avatar_version: db.raw('avatar_version + 1') }, ['avatar_version']);
  return rows.length > 0 ? Number(rows[0].avatar_version) : undefined;
}

/** The member's avatar image, or undefined when they have none. */
export async function findAvatar(db: Database, unionSlug: string, sub: string): Promise<StoredAvatar | undefined> {
  const row = await db(TABLE).where(key(unionSlug, sub)).whereNotNull('avatar').first('avatar', 'avatar_version', 'avatar_updated_at');
  return row ? { image: Buffer.from(row.avatar), version: Number(row.avatar_version), updatedAt: Number(row.avatar_updated_at) } : undefined;
}
