/**
 * What the admin downloads for a postcard batch: one zip with the printable PDF and the print shop's
 * CSV. The temporary passwords exist nowhere else (the database keeps only their hashes).
 */
import { zipSync } from 'fflate';
import { postcardsCsv } from './csv.js';
import { postcardsPdf } from './pdf.js';
import { dateCompact, type PostcardBatch } from './postcard.js';

/** The zip; `onPage` hears how many postcards of the PDF are drawn. */
export async function postcardBundle(batch: PostcardBatch, onPage?: (done: number) => void): Promise<Buffer> {
  const pdf = await postcardsPdf(batch, onPage);
  const csv = postcardsCsv(batch);
  // The PDF's streams are compressed already; entries are dated by the batch, not the clock.
  return Buffer.from(zipSync({
    'postcards.pdf': [pdf, { level: 0 }],
    'postcards.csv': csv,
  }, { level: 6, mtime: new Date(batch.issuedAt) }));
}

/** "postcards-kawasaki-20260224.zip" (the issue date in Japan). */
export function postcardBundleName(unionSlug: string, batch: PostcardBatch): string {
  return `postcards-${unionSlug}-${dateCompact(batch.issuedAt)}.zip`;
}
