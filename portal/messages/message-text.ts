import type { PortalSaid } from '../i18n/text.js';

/** Limits of a MY mail's texts. */
export const MESSAGE_SUBJECT_MAX = 100;
export const MESSAGE_BODY_MAX = 10_000;
export const UNION_REPLY_MAX = 10_000;
export const MEMBER_REPLY_MAX = 2_000;

/** Browsers send a textarea's line breaks as CRLF; the page counts them as one character, so does the server. */
export const normalizeNewlines = (text: string) => text.replace(/\r\n?/g, '\n');

/** Characters as a person counts them (code points: an emoji is one, not two UTF-16 units). */
export const characterCount = (text: string) => [...text].length;

// Control characters other than line breaks and tabs cannot be typed; they are dropped, never stored.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

export type MemberReplyCheck = { ok: true; text: string } | { ok: false; said: PortalSaid };

/** A member's reply as typed: what is stored, or why it is refused. */
export function checkMemberReply(typed: string): MemberReplyCheck {
  const text = normalizeNewlines(typed).replace(CONTROL, '').trim();
  if (text.length === 0) return { ok: false, said: 'mymail.replyEmpty' };
  if (characterCount(text) > MEMBER_REPLY_MAX) return { ok: false, said: 'mymail.replyTooLong' };
  return { ok: true, text };
}

const DATE_TIME = {
  ja: new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', dateStyle: 'long', timeStyle: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
};

/** When a message or reply was written, in Japan's time (the union's): `2025年3月5日 14:03`, `5 Mar 2025, 14:03`. */
export const messageTime = (at: number, locale: keyof typeof DATE_TIME) => DATE_TIME[locale].format(at);
