import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { loginAt } from '../helpers/journeys.js';
import { createMedicalHousehold, loginAndOpen } from '../helpers/medical.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { useStackAndBrowser } from '../helpers/e2e.js';

// A real fault (a missing font file, a missing table) must reach the person as the friendly page
// and the log with its detail; nothing here is a switch the programs know about.
let stack: TestStack;
let browser: Browser;

useStackAndBrowser({ policy: { mfa: { required: false } } }, (env) => ({ stack, browser } = env));

/** What console.error receives while `act` runs (kept out of the test output). */
async function loggedErrors(act: () => Promise<void>): Promise<string> {
  const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    await act();
    return spy.mock.calls.map((args) => args.map((a) => (a instanceof Error ? `${a.stack} ${String((a as { cause?: unknown }).cause ?? '')}` : String(a))).join(' ')).join('\n');
  } finally {
    spy.mockRestore();
  }
}

async function expectFriendlyPage(page: Page, url: string): Promise<void> {
  const response = await page.goto(url);
  expect(response!.status()).toBe(500);
  await expect(page.getByRole('alert').textContent()).resolves.toBe('サーバーでエラーが発生しました。しばらくしてからもう一度お試しください。');
  const html = await page.content();
  expect(html).not.toMatch(/Error|\bat \S+ \(|\/work\/|node_modules|\.[jt]s:\d+/);
}

test('a medical page whose PDF cannot be built shows the portal\'s error page; the log has the cause', async () => {
  const household = await createMedicalHousehold(stack, 'alpha', { kigo: '700', bango: '90001' }, [
    { edaban: '00', name: '故障 一郎', relation: '本人', birthYear: 1975, userId: 'broken-font' },
  ]);
  const year = Number(household.claims.map((c) => c.serviceMonth).sort().at(-1)!.slice(0, 4)) - 1;
  const page = await browser.newPage();
  await loginAndOpen(page, stack, 'alpha', 'broken-font');
  const saved = process.env.PDF_FONT_PATH;
  process.env.PDF_FONT_PATH = '/nonexistent/kenpo-test-font.ttc'; // the portal reads it per download
  try {
    const log = await loggedErrors(() => expectFriendlyPage(page, `${stack.portalUrl}/u/alpha/medical/download/pdf?year=${year}`));
    expect(log).toContain('/nonexistent/kenpo-test-font.ttc');
    expect(log).toContain('/medical/download/pdf');
  } finally {
    if (saved === undefined) delete process.env.PDF_FONT_PATH; else process.env.PDF_FONT_PATH = saved;
  }
  await page.close();
});

test('an account console page whose table is gone shows the IdP\'s error page; the log has the cause', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'broken-table', password: 'broken-table-pass-1' });
  const page = await browser.newPage();
  const sessionsPage = `${stack.unions.alpha.issuer}/account/sessions`;
  await loginAt(page, sessionsPage, 'broken-table', 'broken-table-pass-1');
  await page.getByRole('heading', { name: 'ログイン中のセッション' }).waitFor();
  const { db } = stack.database;
  await db.schema.renameTable('trusted_devices', 'trusted_devices_away');
  try {
    const log = await loggedErrors(() => expectFriendlyPage(page, sessionsPage));
    expect(log).toMatch(/trusted_devices/);
    expect(log).toContain('/account/sessions');
  } finally {
    await db.schema.renameTable('trusted_devices_away', 'trusted_devices');
  }
  await page.close();
});
