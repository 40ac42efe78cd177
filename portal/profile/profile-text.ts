import type { PortalSaid } from '../i18n/text.js';

/** What a member writes about themself: a nickname and a self-introduction (the seed's 400 characters). */
export interface ProfileText {
  /** Null when not set: pages then use the member's name. */
  nickname: string | null;
  introduction: string | null;
}

export type ProfileField = keyof ProfileText;

export const NICKNAME_MAX = 20;
export const INTRODUCTION_MAX = 400;

/** Characters as a person counts them (code points: an emoji is one, not two UTF-16 units). */
export const characterCount = (text: string) => [...text].length;

// C0 and C1 controls and DEL (line breaks and tabs only where the introduction allows them), and the
// invisible bidirectional overrides and isolates that make a name read differently from what it is.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
// Half of a surrogate pair cannot be stored as UTF-8 (the form's decoder never makes one; a caller might).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type ProfileTextResult =
  | { ok: true; value: ProfileText }
  | { ok: false; errors: Array<{ field: ProfileField; said: PortalSaid }>; typed: { nickname: string; introduction: string } };

const stringField = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * The form's two fields, as they will be stored: Unicode-normalised (NFC), the nickname trimmed,
 * the introduction's line breaks made `\n` and its ends trimmed; empty means not set. On error the
 * member's own typing comes back, to be shown in the form again.
 */
export function parseProfileText(body: Record<string, unknown>): ProfileTextResult {
  const typed = { nickname: stringField(body.nickname), introduction: stringField(body.introduction) };
  const nickname = typed.nickname.normalize('NFC').trim();
  const introduction = typed.introduction.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  const errors: Array<{ field: ProfileField; said: PortalSaid }> = [];

  if (CONTROL.test(nickname) || LONE_SURROGATE.test(nickname)) errors.push({ field: 'nickname', said: 'profile.nickname.control' });
  else if (characterCount(nickname) > NICKNAME_MAX) {
    errors.push({ field: 'nickname', said: { key: 'profile.nickname.tooLong', params: { max: NICKNAME_MAX, length: characterCount(nickname) } } });
  }
  if (CONTROL_EXCEPT_LINES.test(introduction) || LONE_SURROGATE.test(introduction)) errors.push({ field: 'introduction', said: 'profile.introduction.control' });
  else if (characterCount(introduction) > INTRODUCTION_MAX) {
    errors.push({ field: 'introduction', said: { key: 'profile.introduction.tooLong', params: { max: INTRODUCTION_MAX, length: characterCount(introduction) } } });
  }
  if (errors.length > 0) return { ok: false, errors, typed };
  return { ok: true, value: { nickname: nickname || null, introduction: introduction || null } };
}
