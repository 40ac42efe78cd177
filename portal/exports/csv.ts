/**
 * 医療費通知情報 CSV, shaped like マイナポータル's export (SPEC §6, reference/mynaportal-iryouhi-sample.csv):
 * key/value lines naming the insurer, the insured person and the totals, then the claims — here as one
 * table with マイナポータル's column names plus 受診者, so one file covers the whole household.
 * UTF-8 with a BOM (so Excel reads it as UTF-8), CRLF line ends, amounts with thousands separators as
 * in the sample.
 */
import type { Claim, Statement } from '../medical/model.js';
import { monthLabel } from '../medical/period.js';
import { sumClaims } from '../medical/totals.js';
import { csvField, csvFile } from '../../documents/csv-text.js';
import { dateJa, groupDigits, mynaportalCategory, periodJa } from './format.js';

export const CSV_CLAIM_COLUMNS = [
  '診療年月', '受診者', '診療区分', '日数', '医療機関等名称',
  '医療費の総額（円）', '保険者の負担額（円）', 'その他の公費の負担額（円）', '窓口相当負担額（円）', '備考',
] as const;

type Cell = string | number;

/** Amounts with thousands separators (never negative: imports refuse that). */
function line(...cells: Cell[]): string {
  return cells.map((c) => (typeof c === 'number' ? csvField(groupDigits(c)) : csvField(c))).join(',');
}

function claimLine(c: Claim): string {
  return line(
    monthLabel(c.serviceMonth), c.patientName, mynaportalCategory(c.category), c.days, c.facilityName ?? '',
    c.totalCost, c.insurerPaid, c.publicPaid, c.selfPaid, c.note ?? '',
  );
}

export function statementCsv(statement: Statement): Buffer {
  const { union, insured, claims } = statement;
  const totals = sumClaims(claims);
  const lines = [
    '医療費通知情報',
    '',
    line('項目名', '内容'),
    line('作成日', dateJa(statement.issuedAt)),
    '保険者情報',
    line('保険者の名称', union.name),
    line('保険者等番号', union.insurerNumber),
    '被保険者等情報',
    line('被保険者等の氏名', insured.name),
    line('被保険者証等記号', insured.kigo),
    line('被保険者証等番号', insured.bango),
    '医療費の合計',
    line('期間', periodJa(statement.period)),
    line('医療費の総額（円）', totals.totalCost),
    line('保険者の負担額（円）', totals.insurerPaid),
    line('その他の公費の負担額（円）', totals.publicPaid),
    line('窓口相当負担額（円）', totals.selfPaid),
    '医療費情報明細',
    line(...CSV_CLAIM_COLUMNS),
    ...claims.map(claimLine),
  ];
  return csvFile(lines);
}
