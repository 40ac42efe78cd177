import type { Database } from '../../migrations/database.js';
import { findProfile } from './profile-repository.js';

/** What the member header shows of the profile: the nickname (or null: use the name) and the avatar's URL. */
export interface ProfileSummary {
  nickname: string | null;
  /** Null without an avatar; the URL changes with every new avatar, so it may be cached by the member's browser. */
  avatarUrl: string | null;
}

/** The avatar's address: only its owner, logged in to this union, gets the image from it. */
export const avatarPath = (unionSlug: string, version: number) => `/u/${unionSlug}/profile/avatar?v=${version}`;

export async function profileSummary(db: Database, unionSlug: string, sub: string): Promise<ProfileSummary> {
  const profile = await findProfile(db, unionSlug, sub);
  return {
    nickname: profile?.nickname ?? null,
    avatarUrl: profile?.hasAvatar ? avatarPath(unionSlug, profile.avatarVersion) : null,
  };
}
