import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import {
  IRYOUHI_FORM, IRYOUHI_FORM_MAX_ROWS, iryouhiFormXlsx, IryouhiFormError, toFullWidth, truncateForForm,
} from '../../portal/exports/xlsx.js';
import { claim, longStatement, sampleStatement } from '../helpers/statement-fixture.js';

const template = unzipSync(new Uint8Array(fs.readFileSync(IRYOUHI_FORM.templatePath)));

async function readBack(xlsx: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
  expect(workbook.worksheets.map((w) => w.name)).toEqual(['医療費集計フォーム', 'ご利用に当たって']);
  return workbook.getWorksheet(IRYOUHI_FORM.sheetName)!;
}

/** What exceljs reads but does not declare in its typings. */
type SheetInternals = {
  dataValidations: { model: Record<string, { type: string; formulae: unknown[] }> };
  sheetProtection: Record<string, unknown>;
};

/** The sheet XML outside <sheetData>: validations, protection, merges, page set-up. */
function sheetFrame(files: Record<string, Uint8Array>): string {
  return strFromU8(files[IRYOUHI_FORM.sheetPart]).replace(/<sheetData>[\s\S]*<\/sheetData>/, '');
}

describe('iryouhiFormXlsx', () => {
  const statement = sampleStatement();
  let xlsx: Buffer;
  let sheet: ExcelJS.Worksheet;
  beforeAll(async () => {
    xlsx = await iryouhiFormXlsx(statement);
    sheet = await readBack(xlsx);
  });

  test('the shipped template is the NTA form Ver.3.1 with the layout we fill', () => {
    expect(strFromU8(template['xl/workbook.xml'])).toContain('<sheet name="医療費集計フォーム" sheetId="1" r:id="rId1"/>');
    expect(IRYOUHI_FORM_MAX_ROWS).toBe(995);
  });

  test('fills one row per claim from row 9, cell by cell', () => {
    const cells = (row: number) => ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'].map((col) => {
      const value = sheet.getCell(`${col}${row}`).value;
      return col === 'A' ? (value as { result: number }).result : value;
    });
    expect(cells(9)).toEqual([1, '健保　太郎', 'サンプルクリニック', '該当する', null, null, null, 300, null, null]);
    expect(cells(10)).toEqual([2, '健保　太郎', 'サンプルクリニック薬局', null, '該当する', null, null, 0, null, null]);
    expect(cells(11)).toEqual([3, '健保　花子', 'サンプルクリニック', '該当する', null, null, null, 3420, null, null]);
    expect(cells(12)).toEqual([4, '健保　花子', '医療法人社団＂光，風＂会　みなと総合病院', '該当する', null, null, null, 370371, null, null]);
    expect(cells(13)).toEqual([5, '健保　太郎', '（医療機関名なし）', '該当する', null, null, null, 1500, null, null]);
    expect(cells(14).slice(1)).toEqual([null, null, null, null, null, null, null, null, null]);
  });

  test('amounts are integers and C3 (入力した合計金額) shows their sum', () => {
    const amounts = statement.claims.map((_, i) => sheet.getCell(`H${9 + i}`).value);
    expect(amounts).toEqual(statement.claims.map((c) => c.selfPaid));
    expect(sheet.getCell('C3').value).toEqual({ formula: 'IF(0=SUM(H9:H1003),"",SUM(H9:H1003))', result: 375591 });
  });

  test('keeps the NTA validations, protection and styles', () => {
    const { dataValidations, sheetProtection } = sheet as unknown as SheetInternals;
    const validations = dataValidations.model;
    for (const row of [9, 1003]) {
      expect(validations[`B${row}`]).toMatchObject({ type: 'textLength', formulae: [0, 10] });
      expect(validations[`C${row}`]).toMatchObject({ type: 'textLength', formulae: [0, 20] });
      for (const col of 'DEFG') expect(validations[`${col}${row}`]).toMatchObject({ type: 'list', formulae: ['$L$2:$M$2'] });
      expect(validations[`H${row}`]).toMatchObject({ type: 'whole', formulae: [0, 999999999] });
    }
    expect(sheet.getCell('M2').value).toBe('該当する');
    expect(sheetProtection).toMatchObject({ sheet: true, algorithmName: 'SHA-512' });
    expect(sheet.getCell('H9').numFmt).toBe('#,##0');
  });

  test('changes nothing but the filled cells: every other part is byte-identical', () => {
    const filled = unzipSync(new Uint8Array(xlsx));
    expect(Object.keys(filled)).toEqual(Object.keys(template));
    for (const part of Object.keys(template)) {
      if (part === IRYOUHI_FORM.sheetPart || part === IRYOUHI_FORM.sharedStringsPart) continue;
      expect(Buffer.from(filled[part]).equals(Buffer.from(template[part]))).toBe(true);
    }
    expect(sheetFrame(filled)).toBe(sheetFrame(template));
  });

  test('names are made full-width and cut to the form’s limits', async () => {
    expect(toFullWidth('Taro  Yamada-Smith')).toBe('Ｔａｒｏ　Ｙａｍａｄａ－Ｓｍｉｔｈ');
    expect(toFullWidth('ｹﾝﾎﾟ ﾀﾛｳ')).toBe('ケンポ　タロウ');
    expect(truncateForForm('𠮷田𠮷田𠮷', 4)).toBe('𠮷田'); // never half a surrogate pair
    const long = await readBack(await iryouhiFormXlsx({
      ...statement,
      claims: [claim({ patientName: 'Alexandra Catherine Smith', facilityName: '医療法人社団とても長い名前の会 みなと総合病院リハビリテーションセンター' })],
    }));
    expect(long.getCell('B9').value).toBe('Ａｌｅｘａｎｄｒａ');
    expect(long.getCell('C9').value).toBe('医療法人社団とても長い名前の会　みなと総');
  });

  test('995 claims fill the form to row 1003; one more is refused with a typed error', async () => {
    const full = await readBack(await iryouhiFormXlsx(longStatement(995)));
    expect(full.getCell('B1003').value).toBe('健保　一郎'); // claim 995 of the fixture
    expect(full.getCell('H1003').value).toBe(Math.floor((1000 + 37 * 994) * 0.3));
    const tooMany = iryouhiFormXlsx(longStatement(996));
    await expect(tooMany).rejects.toBeInstanceOf(IryouhiFormError);
    await expect(tooMany).rejects.toMatchObject({ problem: { code: 'too_many_rows', max: IRYOUHI_FORM_MAX_ROWS, count: 996 } });
  });

  test('an amount the form cannot hold is refused', async () => {
    const attempt = iryouhiFormXlsx({ ...statement, claims: [claim({ selfPaid: 1_000_000_000 })] });
    await expect(attempt).rejects.toMatchObject({ problem: { code: 'amount_out_of_range' } });
  });

  test('an empty period gives the blank form', async () => {
    const blank = await readBack(await iryouhiFormXlsx({ ...statement, claims: [] }));
    expect(blank.getCell('B9').value).toBeNull();
    expect(blank.getCell('C3').value).toMatchObject({ formula: 'IF(0=SUM(H9:H1003),"",SUM(H9:H1003))' });
  });
});
