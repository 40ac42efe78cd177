import { CSV_CLAIM_COLUMNS, statementCsv } from '../../portal/exports/csv.js';
import { parseCsv } from '../helpers/csv-reader.js';
import { claim, sampleStatement } from '../helpers/statement-fixture.js';

const yen = (text: string) => Number(text.replaceAll(',', ''));

describe('statementCsv', () => {
  const statement = sampleStatement();
  const buffer = statementCsv(statement);
  const text = buffer.toString('utf8');
  const rows = parseCsv(text.slice(1));
  const headerAt = rows.findIndex((r) => r[0] === '診療年月');
  const claimRows = rows.slice(headerAt + 1);

  test('is UTF-8 with a BOM and CRLF line ends only', () => {
    expect([...buffer.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });

  test('names the insurer and the insured person, like マイナポータル’s key/value preamble', () => {
    const value = (key: string) => rows.find((r) => r[0] === key)?.[1];
    expect(rows[0]).toEqual(['医療費通知情報']);
    expect(value('保険者の名称')).toBe('サンプル健康保険組合');
    expect(value('被保険者等の氏名')).toBe('健保 太郎');
    expect(value('作成日')).toBe('2026年2月23日'); // issued at 00:30 Japan time
    expect(value('期間')).toBe('2025年1月～2025年12月');
  });

  test('has マイナポータル’s column names plus 受診者 and one row per claim', () => {
    expect(rows[headerAt]).toEqual([...CSV_CLAIM_COLUMNS]);
    expect(rows[headerAt]).toEqual([
      '診療年月', '受診者', '診療区分', '日数', '医療機関等名称', '医療費の総額（円）', '保険者の負担額（円）',
      'その他の公費の負担額（円）', '窓口相当負担額（円）', '備考',
    ]);
    expect(claimRows).toHaveLength(statement.claims.length);
    expect(claimRows.every((r) => r.length === CSV_CLAIM_COLUMNS.length)).toBe(true);
    expect(claimRows[0]).toEqual(['2025年1月', '健保 太郎', '医科外来', '1', 'サンプルクリニック', '12,960', '9,072', '3,588', '300', '']);
    expect(claimRows.map((r) => r[2])).toEqual(['医科外来', '調剤', '歯科外来', '医科入院', '医科外来']);
    expect(claimRows[4][4]).toBe(''); // no facility name on the claim
  });

  test('quotes names with commas and quotes', () => {
    expect(text).toContain('"医療法人社団""光,風""会 みなと総合病院リハビリテーションセンター"');
    expect(claimRows[3][4]).toBe('医療法人社団"光,風"会 みなと総合病院リハビリテーションセンター');
    expect(claimRows[3][9]).toBe('高額療養費');
  });

  test('totals equal the sum of the rows', () => {
    const total = (key: string) => yen(rows.find((r) => r[0] === key)![1]);
    const sumOf = (column: number) => claimRows.reduce((sum, r) => sum + yen(r[column]), 0);
    expect(total('医療費の総額（円）')).toBe(sumOf(5));
    expect(total('保険者の負担額（円）')).toBe(sumOf(6));
    expect(total('その他の公費の負担額（円）')).toBe(sumOf(7));
    expect(total('窓口相当負担額（円）')).toBe(sumOf(8));
    expect(total('窓口相当負担額（円）')).toBe(375591);
  });

  test('text a spreadsheet would run as a formula is defused', () => {
    const csv = statementCsv({ ...statement, claims: [claim({ patientName: '=HYPERLINK("x")' })] }).toString('utf8');
    expect(csv).toContain('"\'=HYPERLINK(""x"")"');
  });

  test('an empty period still has the header and zero totals', () => {
    const empty = parseCsv(statementCsv({ ...statement, claims: [] }).toString('utf8').slice(1));
    expect(empty[empty.length - 1]).toEqual([...CSV_CLAIM_COLUMNS]);
    expect(empty.find((r) => r[0] === '窓口相当負担額（円）')?.[1]).toBe('0');
  });
});
