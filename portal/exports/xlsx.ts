/**
 * The NTA 医療費集計フォーム Ver.3.1, filled in (SPEC §6): a copy of the blank form with one data row
 * per claim, so 確定申告書等作成コーナー reads it without retyping. Sheet, styles, validations,
 * protection and the instructions sheet stay exactly the NTA's; only empty cells of rows 9–1003 and the
 * cached total in C3 change.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { projectRoot } from '../../project/paths.js';
import type { Claim, Statement } from '../medical/model.js';
import { fillRow, mapRows, setCachedNumber, SharedStrings, type CellValue } from './xlsx-sheet.js';

/** Where the form keeps what (checked against the template by the tests). */
export const IRYOUHI_FORM = {
  templatePath: path.join(projectRoot, 'portal/exports/templates/iryouhi_form_v3.1.xlsx'),
  sheetName: '医療費集計フォーム',
  sheetPart: 'xl/worksheets/sheet1.xml',
  sharedStringsPart: 'xl/sharedStrings.xml',
  firstRow: 9,
  lastRow: 1003,
  patientMaxLength: 10,
  facilityMaxLength: 20,
  maxAmount: 999_999_999,
  /** The only value columns D–G accept besides blank (the list in L2:M2). */
  applies: '該当する',
  /** C3 = 入力した合計金額 (支払った医療費の金額), a formula over H9:H1003. */
  totalCell: 'C3',
} as const;

export const IRYOUHI_FORM_MAX_ROWS = IRYOUHI_FORM.lastRow - IRYOUHI_FORM.firstRow + 1;

/** Why the form cannot take a statement, with what the member's message needs. */
export type IryouhiFormProblem =
  | { code: 'too_many_rows'; max: number; count: number }
  | { code: 'amount_out_of_range'; month: string; amount: number };

/** What the route can turn into a message for the member (the form itself cannot take the data). */
export class IryouhiFormError extends Error {
  override name = 'IryouhiFormError';
  constructor(readonly problem: IryouhiFormProblem) {
    super(`the NTA form cannot take this statement: ${JSON.stringify(problem)}`);
  }
}

/** The form asks for 全角: NFKC first (half-width kana → full), then ASCII and spaces to full width. */
export function toFullWidth(text: string): string {
  return text
    .normalize('NFKC')
    .trim()
    .replace(/\s+/g, '\u3000')
    .replace(/[\u0021-\u007E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
}

/**
 * At most `max` UTF-16 units (what Excel's LEN, and so the form's validation, counts), never half a
 * surrogate pair, and no space left dangling at the cut.
 */
export function truncateForForm(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return (/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut).trimEnd();
}

const NO_FACILITY_NAME = '（医療機関名なし）';

function formRow(claim: Claim, row: number): Record<string, CellValue> {
  const { patientMaxLength, facilityMaxLength, maxAmount, applies } = IRYOUHI_FORM;
  if (!Number.isInteger(claim.selfPaid) || claim.selfPaid < 0 || claim.selfPaid > maxAmount) {
    throw new IryouhiFormError({ code: 'amount_out_of_range', month: claim.serviceMonth, amount: claim.selfPaid });
  }
  return {
    [`B${row}`]: { text: truncateForForm(toFullWidth(claim.patientName), patientMaxLength) },
    [`C${row}`]: { text: truncateForForm(toFullWidth(claim.facilityName ?? NO_FACILITY_NAME), facilityMaxLength) },
    // 調剤 is medicine bought at a pharmacy (医薬品購入); every other claim is 診療・治療.
    [`${claim.category === '調剤' ? 'E' : 'D'}${row}`]: { text: applies },
    [`H${row}`]: { number: claim.selfPaid },
    // I (補填される金額) and J (支払年月日, optional and unknown to us) stay blank.
  };
}

let template: Promise<Uint8Array> | undefined;

function readTemplate(): Promise<Uint8Array> {
  template ??= fs.readFile(IRYOUHI_FORM.templatePath).then((b) => new Uint8Array(b));
  return template;
}

export async function iryouhiFormXlsx(statement: Statement): Promise<Buffer> {
  const { claims } = statement;
  if (claims.length > IRYOUHI_FORM_MAX_ROWS) {
    throw new IryouhiFormError({ code: 'too_many_rows', max: IRYOUHI_FORM_MAX_ROWS, count: claims.length });
  }
  const rows = new Map(claims.map((claim, i) => {
    const row = IRYOUHI_FORM.firstRow + i;
    return [row, formRow(claim, row)];
  }));
  const files = unzipSync(await readTemplate());
  const strings = new SharedStrings(strFromU8(files[IRYOUHI_FORM.sharedStringsPart]));
  let sheet = mapRows(strFromU8(files[IRYOUHI_FORM.sheetPart]), (n, rowXml) => {
    const cells = rows.get(n);
    return cells ? fillRow(rowXml, cells, strings) : rowXml;
  });
  const total = claims.reduce((sum, c) => sum + c.selfPaid, 0);
  if (total > 0) sheet = setCachedNumber(sheet, IRYOUHI_FORM.totalCell, total);
  files[IRYOUHI_FORM.sheetPart] = strToU8(sheet);
  files[IRYOUHI_FORM.sharedStringsPart] = strToU8(strings.toXml());
  // Entries dated by the statement, not the clock, so the same statement gives the same file.
  return Buffer.from(zipSync(files, { level: 6, mtime: statement.issuedAt }));
}
