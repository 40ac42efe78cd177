import fs from 'node:fs';
import { statementPdf } from '../../portal/exports/pdf.js';
import { PdfFontError } from '../../documents/pdf-font.js';
import { run, tempDir } from '../helpers/cli-tools.js';
import { longStatement, sampleStatement } from '../helpers/statement-fixture.js';

// poppler-utils reads the PDF back independently; without it only the raw bytes are checked.
const tmp = tempDir('kenpo-pdf-');
afterAll(() => tmp.remove());

function pdfText(pdf: Buffer, name: string): string[] {
  const file = tmp.file(name);
  fs.writeFileSync(file, pdf);
  const result = run('pdftotext', ['-layout', file, '-']);
  expect(result.status).toBe(0);
  return result.stdout.split('\f').filter((page) => page.trim() !== '');
}

describe('statementPdf', () => {
  let sample: Buffer;
  beforeAll(async () => {
    sample = await statementPdf(sampleStatement());
  });

  test('is a PDF with the Japanese font embedded as a subset', () => {
    expect(sample.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(sample.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansCJKjp-Regular/);
    expect(sample.toString('latin1')).toMatch(/\/FontFile3 /); // the glyphs themselves, not just a name
  });

  test('pdffonts sees the font embedded with a Unicode map', () => {
    const file = tmp.file('fonts.pdf');
    fs.writeFileSync(file, sample);
    const fonts = run('pdffonts', [file]).stdout;
    expect(fonts).toMatch(/NotoSansCJKjp-Regular\s+CID Type 0C\s+Identity-H\s+yes\s+yes\s+yes/);
  });

  test('shows the statement table, the amount paid, the notes and the six items', () => {
    const [page] = pdfText(sample, 'sample.pdf');
    for (const expected of [
      '医療費明細', '2025年1月～2025年12月 診療分', '発行日 2026年2月23日',
      '保険者等の名称', 'サンプル健康保険組合', '被保険者等の氏名', '健保 太郎 様',
      'あなたが支払った額', '375,591円',
      '診療年月', '受診者', '医療機関', '診療区分/日数(回数)', '医療費総額', '医療費の内訳',
      '保険者負担額', '公費負担額', '自己負担額', '備考',
      '2025/01', '健保 花子', 'サンプルクリニック薬局', '通院/1日', '調剤/1回', '歯科/1日', '入院/12日',
      '¥12,960', '¥370,371', '高額療養', '合計', '¥1,266,687', '¥886,680', '¥4,416', '¥375,591',
      '医療費明細の見方', '差額ベッド代', '実際の支払額とは異なる場合があります',
    ]) {
      expect(page).toContain(expected);
    }
  });

  test('a long year breaks into pages, each with the table header and the names', async () => {
    const pages = pdfText(await statementPdf(longStatement(150)), 'long.pdf');
    expect(pages.length).toBeGreaterThan(3);
    pages.forEach((page, i) => {
      expect(page).toContain('保険者等の名称：サンプル健康保険組合');
      expect(page).toContain('被保険者等の氏名：健保 太郎 様');
      expect(page).toMatch(new RegExp(`${i + 1}\\s*/\\s*${pages.length}\\s*$`));
    });
    const tablePages = pages.filter((page) => page.includes('みなと'));
    expect(tablePages.length).toBeGreaterThan(2);
    for (const page of tablePages) expect(page).toContain('保険者負担額');
    expect(pages.slice(1).some((page) => page.includes('医療費明細（続き）'))).toBe(true);
    for (const n of [1, 75, 150]) expect(pages.join('')).toContain(`${n}号店`);
  });

  test('an empty period says there is nothing to show', async () => {
    const [page] = pdfText(await statementPdf({ ...sampleStatement(), claims: [] }), 'empty.pdf');
    expect(page).toContain('該当するデータはありません。');
    expect(page).toContain('0円');
  });

  test('the same statement gives the same bytes', async () => {
    expect((await statementPdf(sampleStatement())).equals(sample)).toBe(true);
  });

  test('a missing font is a clear configuration error', async () => {
    const saved = process.env.PDF_FONT_PATH;
    process.env.PDF_FONT_PATH = '/nonexistent/font.ttc';
    try {
      const attempt = statementPdf(sampleStatement());
      await expect(attempt).rejects.toBeInstanceOf(PdfFontError);
      await expect(attempt).rejects.toThrow(/fonts-noto-cjk.*PDF_FONT_PATH/);
    } finally {
      if (saved === undefined) delete process.env.PDF_FONT_PATH;
      else process.env.PDF_FONT_PATH = saved;
    }
  });
});
