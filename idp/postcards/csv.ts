/**
 * The postcard batch as CSV for a print shop that lays the postcards out itself: one row per
 * postcard, the same data as the PDF, in the portal's CSV conventions (csv-text.ts). The member record has no postal address, so none
 * is given: the print shop matches rows to its address list by 記号 and 番号.
 */
import { csvFile, csvLine } from '../../documents/csv-text.js';
import { dateJa, type Postcard, type PostcardBatch } from './postcard.js';

const COLUMNS = ['記号', '番号', '氏名', '氏名カナ', '仮ユーザID', '仮パスワード', '有効期限', 'URL'] as const;

function postcardRow(p: Postcard, url: string): string {
  return csvLine([p.kigo, p.bango, p.nameKanji, p.nameKana, p.temporaryUserId, p.temporaryPassword, dateJa(p.expiresAt), url]);
}

export function postcardsCsv(batch: PostcardBatch): Buffer {
  return csvFile([csvLine(COLUMNS), ...batch.postcards.map((p) => postcardRow(p, batch.url))]);
}
