import type { PortalSaid } from '../i18n/text.js';
import type { Statement } from '../medical/model.js';
import { statementCsv } from './csv.js';
import { etaxMedicalNoticeXml } from './etax-xml.js';
import { statementPdf } from './pdf.js';
import { iryouhiFormXlsx, IryouhiFormError } from './xlsx.js';
import { loadXmlSigner } from './xml-signature.js';

/** The four downloads of a year (SPEC §6), in the order the page offers them. */
export const DOWNLOAD_KINDS = ['pdf', 'csv', 'xlsx', 'xml'] as const;
export type DownloadKind = (typeof DOWNLOAD_KINDS)[number];
export const isDownloadKind = (value: unknown): value is DownloadKind => DOWNLOAD_KINDS.includes(value as DownloadKind);

export interface DownloadFile {
  body: Buffer;
  contentType: string;
  /** ASCII file name; the Japanese one goes in filename* (RFC 6266). */
  filename: string;
  filenameJa: string;
}

/** A refusal the page can show (e.g. a year with more claims than the NTA form has rows). */
export class DownloadRefused extends Error {
  constructor(readonly said: PortalSaid) {
    super(typeof said === 'string' ? said : said.key);
  }
}

function refusalOf({ problem }: IryouhiFormError): PortalSaid {
  return problem.code === 'too_many_rows'
    ? { key: 'downloads.tooManyRows', params: { max: problem.max, count: problem.count } }
    : { key: 'downloads.amountOutOfRange', params: { month: problem.month, amount: problem.amount } };
}

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
        if (err instanceof IryouhiFormError) throw new DownloadRefused(refusalOf(err));
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
