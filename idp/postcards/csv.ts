/**
 * The postcard batch as CSV for a print shop that lays the postcards out itself: one row per
 * postcard, the same data as the PDF. UTF-8 with a BOM (so Excel reads it as UTF-8), CRLF line ends,
 * RFC 4180 quoting, as the portal's CSV downloads. The member record has no postal address, so none
 * is given: the print shop matches rows to its address list by 記号 and 番号.
 */
import { dateJa, type Postcard, type PostcardBatch } from './postcard.js';

const BOM = '\uFEFF';

const COLUMNS = ['記号', '番号', '氏名', '氏名カナ', '仮ユーザID', '仮パスワード', '有効期限', 'URL'] as const;

/** RFC 4180 quoting; text that a spreadsheet would run as a formula gets a leading apostrophe. */
function field(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function row(cells: readonly string[]): string {
  return cells.map(field).join(',');
}

function postcardRow(p: Postcard, url: string): string {
  return row([p.kigo, p.bango, p.nameKanji, p.nameKana, p.temporaryUserId, p.temporaryPassword, dateJa(p.expiresAt), url]);
}

export function postcardsCsv(batch: PostcardBatch): Buffer {
  const lines = [row(COLUMNS), ...batch.postcards.map((p) => postcardRow(p, batch.url))];
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}
