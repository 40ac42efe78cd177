/**
 * What one 「Webサービスのご案内」 postcard says (SPEC §4.1): where to start, as text and QR code, and
 * the member's temporary user ID and password. The PDF (for printing) and the CSV (for a print shop's
 * own layout) are made from the same data, so they cannot disagree.
 */

export interface Postcard {
  /** 記号 and 番号 of the insurance card; the print shop matches postcards to its address list by them. */
  kigo: string;
  bango: string;
  nameKanji: string;
  nameKana: string;
  temporaryUserId: string;
  temporaryPassword: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface PostcardBatch {
  unionName: string;
  /** Where members start, printed and as a QR code. */
  url: string;
  /** Epoch milliseconds; dates the files, so the same batch gives the same bytes. */
  issuedAt: number;
  postcards: Postcard[];
}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000; // Japan has no daylight saving time

/** The calendar date in Japan, whatever the server's time zone: an expiry at 00:30 JST is not the day before. */
function japanDate(at: number): [year: number, month: number, day: number] {
  const d = new Date(at + JST_OFFSET_MS);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/** "2026年5月24日" */
export function dateJa(at: number): string {
  const [year, month, day] = japanDate(at);
  return `${year}年${month}月${day}日`;
}

/** "20260524", for file names. */
export function dateCompact(at: number): string {
  return japanDate(at).map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0')).join('');
}
