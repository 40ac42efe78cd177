import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { listAudit } from '../../audit/audit-log.js';
import { run, tempDir } from '../helpers/cli-tools.js';
import { createMedicalHousehold, loginAndOpen, selfPaidOf, type MedicalHousehold } from '../helpers/medical.js';
import type { TestStack } from '../helpers/stack.js';
import { useStackAndBrowser } from '../helpers/e2e.js';

let stack: TestStack;
let browser: Browser;
let household: MedicalHousehold;
let year: string;

useStackAndBrowser({ policy: { mfa: { required: false } } }, async (env) => {
  ({ stack, browser } = env);
  household = await createMedicalHousehold(stack, 'alpha', { kigo: '600', bango: '80001' }, [
    { edaban: '00', name: '申告 一郎', relation: '本人', birthYear: 1970, userId: 'shinkoku' },
    { edaban: '01', name: '申告 良子', relation: '家族', birthYear: 1972, userId: 'shinkoku-yoshiko' },
  ]);
  const months = [...new Set(household.claims.map((c) => c.serviceMonth))].sort();
  year = String(Number(months.at(-1)!.slice(0, 4)) - 1); // a full past year
});

async function download(page: Page, label: string): Promise<{ name: string; body: Buffer }> {
  const pending = page.waitForEvent('download');
  await page.getByRole('link', { name: label }).click();
  const file = await pending;
  return { name: file.suggestedFilename(), body: fs.readFileSync((await file.path())!) };
}

test('a member downloads the year as PDF, CSV, the NTA xlsx form and e-Tax XML, each matching the statement', async () => {
  const claims = household.claims.filter((c) => c.serviceMonth.startsWith(year));
  const paid = selfPaidOf(claims);
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await loginAndOpen(page, stack, 'alpha', household.userIds['00'], `/medical/years/${year}`);
  expect(await page.locator('#downloads').innerText()).toContain('電子署名がありません'); // no signing key configured

  const pdf = await download(page, '医療費明細（PDF）');
  expect(pdf.name).toBe(`医療費明細_${year}.pdf`);
  expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');

  const csv = await download(page, '医療費通知データ（CSV）');
  expect(csv.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  const csvText = csv.body.toString('utf8');
  expect(csvText).toContain('申告 一郎');
  expect(csvText).toContain('窓口相当負担額（円）');

  const xlsx = await download(page, '医療費集計フォーム（Excel）');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx.body as never);
  const sheet = book.getWorksheet('医療費集計フォーム')!;
  const rows = claims.map((_, i) => sheet.getRow(9 + i));
  expect(rows.reduce((sum, r) => sum + Number(r.getCell('H').value), 0)).toBe(paid);
  expect(sheet.getRow(9 + claims.length).getCell('B').value ?? null).toBeNull();

  const xml = await download(page, '医療費通知データ（e-Tax XML）');
  const tmp = tempDir('kenpo-download');
  fs.writeFileSync(tmp.file('notice.xml'), xml.body);
  const schema = path.join(process.cwd(), 'portal/exports/etax-xml.xsd');
  expect(run('xmllint', ['--noout', '--schema', schema, tmp.file('notice.xml')]).status).toBe(0);
  tmp.remove();

  const audit = await listAudit(stack.portalDatabase.db, 'alpha', { limit: 20 });
  expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['medical.download.pdf', 'medical.download.csv', 'medical.download.xlsx', 'medical.download.xml']));
});

test('a download outside the five years, or of an unknown kind, is refused with a message', async () => {
  const page = await browser.newPage();
  await loginAndOpen(page, stack, 'alpha', household.userIds['00'], '/medical/download/zip?year=2001');
  expect(await page.getByRole('alert').first().innerText()).toContain('ダウンロードする年');
});
