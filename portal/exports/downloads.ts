import type { Statement } from '../medical/model.js';
import { statementCsv } from './csv.js';
import { etaxMedicalNoticeXml } from './etax-xml.js';
import { statementPdf } from './pdf.js';
import { iryouhiFormXlsx, IryouhiFormError } from './xlsx.js';
import { loadXmlSigner } from './xml-signature.js';

export type DownloadKind = 'pdf' | 'csv' | 'xlsx' | 'xml';
export const isDownloadKind = (value: unknown): value is DownloadKind => ['pdf', 'csv', 'xlsx', 'xml'].includes(value as string);

export interface DownloadFile {
  body: Buffer;
  contentType: string;
  /** ASCII file name; the Japanese one goes in filename* (RFC 6266). */
  filename: string;
  filenameJa: string;
}

/** A refusal the page can show as is (e.g. a year with more claims than the NTA form has rows). */
export class DownloadRefused extends Error {}

/** Builds one of the four downloads of a year's statement (each carries the six NTA items). */
export async function buildDownload(kind: DownloadKind, statement: Statement, unionSlug: string): Promise<DownloadFile> {
  const year = statement.period.from.slice(0, 4);
  switch (kind) {
    case 'pdf':
      return { body: await statementPdf(statement), contentType: 'application/pdf', filename: `iryouhi-${year}.pdf`, filenameJa: `医療費明細_${year}.pdf` };
    case 'csv':
      return { body: statementCsv(statement), contentType: 'text/csv; charset=utf-8', filename: `iryouhi-${year}.csv`, filenameJa: `医療費通知情報_${year}.csv` };
    case 'xlsx':
      try {
        return {
          body: await iryouhiFormXlsx(statement),
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          filename: `iryouhi-form-${year}.xlsx`, filenameJa: `医療費集計フォーム_${year}.xlsx`,
        };
      } catch (err) {
        if (err instanceof IryouhiFormError) throw new DownloadRefused(err.message);
        throw err;
      }
    case 'xml':
      return {
        body: Buffer.from(etaxMedicalNoticeXml(statement, loadXmlSigner(unionSlug)), 'utf8'),
        contentType: 'application/xml; charset=utf-8', filename: `iryouhi-etax-${year}.xml`, filenameJa: `医療費通知データ_${year}.xml`,
      };
  }
}

export function contentDisposition(file: DownloadFile): string {
  return `attachment; filename="${file.filename}"; filename*=UTF-8''${encodeURIComponent(file.filenameJa)}`;
}
