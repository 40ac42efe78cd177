import type { Browser, Page } from 'playwright-core';
import { listAudit } from '../../audit/audit-log.js';
import type { ClaimRecord } from '../../portal/medical/claims-csv.js';
import { careLabel, yen } from '../../portal/medical/format.js';
import { addMonths, currentMonth, monthLabel, slashMonth } from '../../portal/medical/period.js';
import { createMedicalHousehold, loginAndOpen, selfPaidOf, type MedicalHousehold } from '../helpers/medical.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { useStackAndBrowser } from '../helpers/e2e.js';

let stack: TestStack;
let browser: Browser;
let household: MedicalHousehold;

useStackAndBrowser({ policy: { mfa: { required: false } } }, async (env) => {
  // password-only logins
  ({ stack, browser } = env);
  household = await createMedicalHousehold(stack, 'alpha', { kigo: '500', bango: '70001' }, [
    { edaban: '00', name: '医療 太郎', relation: '本人', birthYear: 1975, userId: 'iryo-taro' },
    { edaban: '01', name: '医療 花子', relation: '家族', birthYear: 1978, userId: 'iryo-hanako' },
    { edaban: '02', name: '医療 蓮', relation: '家族', birthYear: 2016, userId: 'iryo-ren' },
  ]);
});

const NAMES: Record<string, string> = { '00': '医療 太郎', '01': '医療 花子', '02': '医療 蓮' };

/** What a statement row should read, cell by cell. */
const expectedRow = (c: ClaimRecord) => [
  slashMonth(c.serviceMonth), NAMES[c.patientEdaban], [c.facilityName, careLabel(c)].filter(Boolean).join('\n'),
  yen(c.totalCost), yen(c.insurerPaid), yen(c.publicPaid), yen(c.selfPaid), c.note ?? '',
];
const tableRows = (page: Page) => page.locator('table.statement tbody tr')
  .evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => (td as HTMLElement).innerText.trim())));
const textOf = (page: Page, region: string) => page.getByRole('region', { name: region }).innerText();

test('a 本人 goes from login to 医療費情報, a month statement, the filter and the yearly statement', async () => {
  const { claims } = household;
  const months = [...new Set(claims.map((c) => c.serviceMonth))].sort();
  const latest = months.at(-1)!;
  const thisYear = currentMonth(new Date()).slice(0, 4);
  const lastYear = String(Number(latest.slice(0, 4)) - 1);
  const page = await browser.newPage();

  await loginAndOpen(page, stack, 'alpha', household.userIds['00'], '/');
  await page.getByRole('link', { name: '医療費情報' }).click();
  await page.getByRole('heading', { name: '医療費情報', level: 1 }).waitFor();
  expect(await textOf(page, '最新の自己負担総額')).toContain(yen(selfPaidOf(claims, (c) => c.serviceMonth === latest)));
  expect(await textOf(page, '最新の自己負担総額')).toContain(`${monthLabel(latest)}診療分`);
  expect(await textOf(page, '今年の自己負担総額')).toContain(yen(selfPaidOf(claims, (c) => c.serviceMonth.startsWith(thisYear))));

  // The twelve months up to this one as a bar chart (months without claims as 0), its numbers also a table.
  const chartMonths = Array.from({ length: 12 }, (_, i) => addMonths(currentMonth(new Date()), i - 11));
  const amounts = chartMonths.map((m) => selfPaidOf(claims, (c) => c.serviceMonth === m));
  const chart = page.getByRole('region', { name: '直近12か月の自己負担額' });
  const range = `${monthLabel(chartMonths[0])}〜${monthLabel(chartMonths[11])}`;
  expect(await chart.getByRole('img', { name: `月ごとの自己負担額（${range}）` }).count()).toBe(1);
  const table = chart.getByRole('table', { name: `月ごとの自己負担額（${range}）` });
  const cells = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent!.trim())));
  expect(cells).toEqual(chartMonths.map((m, i) => [monthLabel(m), yen(amounts[i])]));
  const bars = await chart.locator('svg rect').evaluateAll((rects) =>
    rects.map((r) => ({ label: r.querySelector('title')!.textContent, height: Number(r.getAttribute('height')) })));
  expect(bars.map((b) => b.label)).toEqual(cells.map(([month, amount]) => `${month}：${amount}`));
  const tallest = Math.max(...amounts);
  bars.forEach((bar, i) => expect(bar.height / bars[amounts.indexOf(tallest)].height).toBeCloseTo(amounts[i] / tallest, 2));

  // Past years: each a <details> with the year's total; opening it lists months linking to their statements
  // and each patient's total for the year.
  const year = page.locator('details.year', { hasText: `${lastYear}年` });
  expect(await year.locator('summary').innerText()).toContain(yen(selfPaidOf(claims, (c) => c.serviceMonth.startsWith(lastYear))));
  const month = months.find((m) => m.startsWith(lastYear))!;
  await year.locator('summary').click();
  const byPatient = year.getByRole('table', { name: `${lastYear}年の受診者別の自己負担額` });
  expect(await byPatient.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent!.trim()))))
    .toEqual(Object.entries(NAMES).filter(([edaban]) => claims.some((c) => c.patientEdaban === edaban && c.serviceMonth.startsWith(lastYear)))
      .map(([edaban, name]) => [name, yen(selfPaidOf(claims, (c) => c.patientEdaban === edaban && c.serviceMonth.startsWith(lastYear)))]));
  await year.getByRole('link', { name: `${monthLabel(month)}の医療費明細` }).click();

  await page.getByRole('heading', { name: `${monthLabel(month)}の医療費明細`, level: 1 }).waitFor();
  const inMonth = claims.filter((c) => c.serviceMonth === month);
  expect(await tableRows(page)).toEqual(inMonth.map(expectedRow));
  const total = (await page.locator('table.statement tfoot tr').innerText()).split('\t').map((s) => s.trim());
  expect(total.slice(0, 5)).toEqual(['合計', ...(['totalCost', 'insurerPaid', 'publicPaid', 'selfPaid'] as const)
    .map((k) => yen(inMonth.reduce((sum, c) => sum + c[k], 0)))]);
  expect(await textOf(page, 'あなたが支払った額')).toContain(yen(selfPaidOf(inMonth)));
  expect(await page.getByRole('table', { name: `${monthLabel(month)}の医療費明細` }).count()).toBe(1);
  await page.getByText('医療費の額には保険外負担（差額ベッド代、歯科における自費診療分等）は含まれておりません。').waitFor();
  expect(await page.locator('.statement-meta').innerText()).toContain('アルファ健康保険組合');

  // The filter: one patient over a year; then an invalid range explained in Japanese.
  await page.getByRole('link', { name: '診療年月・受診者で絞り込む' }).click();
  await page.getByLabel('診療年月（開始）').selectOption(`${lastYear}-01`);
  await page.getByLabel('診療年月（終了）').selectOption(`${lastYear}-12`);
  await page.getByLabel('受診者').selectOption({ label: '医療 蓮' });
  await page.getByRole('button', { name: '表示する' }).click();
  await page.getByRole('heading', { name: `${lastYear}年の医療費明細` }).waitFor();
  const childsYear = claims.filter((c) => c.patientEdaban === '02' && c.serviceMonth.startsWith(lastYear));
  expect(await tableRows(page)).toEqual(childsYear.map(expectedRow));

  await page.getByLabel('診療年月（開始）').selectOption(`${lastYear}-12`);
  await page.getByLabel('診療年月（終了）').selectOption(`${lastYear}-01`);
  await page.getByRole('button', { name: '表示する' }).click();
  expect(await page.getByRole('alert').innerText()).toContain('診療年月（終了）には、診療年月（開始）と同じか後の年月を指定してください。');
  expect(await page.getByLabel('診療年月（終了）').getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator('table.statement').count()).toBe(0);

  // The yearly statement, with the download links of that year.
  await page.goto(`${stack.portalUrl}/u/alpha/medical/years/${lastYear}`);
  expect(await tableRows(page)).toHaveLength(claims.filter((c) => c.serviceMonth.startsWith(lastYear)).length);
  const downloads = await page.locator('#downloads a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  expect(downloads).toEqual(['pdf', 'csv', 'xlsx', 'xml'].map((kind) => `/u/alpha/medical/download/${kind}?year=${lastYear}`));
  await page.close();

  // Every view was audited: who, whose household, what, which period.
  const audit = (await listAudit(stack.portalDatabase.db, 'alpha', { target: '06130001:500:70001' }))
    .filter((e) => e.actor === `member:${household.accounts['00']}`);
  expect(audit.map((e) => e.action).reverse()).toEqual(['medical.view.summary', 'medical.view.month', 'medical.view.search', 'medical.view.year']);
  expect(audit.find((e) => e.action === 'medical.view.month')!.detail).toMatchObject({ period: { from: month, to: month } });
});

test('a member without medical data sees helpful empty states', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'no-claims', password: 'medical-pass-1' }, { kigo: '500', bango: '70999' });
  const page = await browser.newPage();
  await loginAndOpen(page, stack, 'alpha', 'no-claims');
  expect(await textOf(page, '最新の自己負担総額')).toContain('該当するデータはありません。');
  expect(await textOf(page, '最新の自己負担総額')).toContain('0円');
  await page.getByRole('region', { name: '今年の自己負担総額' }).getByRole('link').click();
  await page.getByText('この期間の医療費情報はありません。').waitFor();
  await page.close();
});
