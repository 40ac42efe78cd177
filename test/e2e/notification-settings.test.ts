import type { Browser, Page } from 'playwright-core';
import { importClaims } from '../../portal/medical/claims-import.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { HttpAgent, passwordLogin } from '../helpers/http-agent.js';
import { axeViolations, japaneseOnPage } from '../helpers/i18n-checks.js';
import { createMedicalHousehold, loginAndOpen, MEDICAL_PASSWORD, type MedicalHousehold } from '../helpers/medical.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, portalAdminToken, type TestStack } from '../helpers/stack.js';

/**
 * Eメール通知設定 as a member uses it (both languages, nothing for axe to find), what the setting
 * does to the mails of the next claim import, and the union following that send in the admin API.
 */
let stack: TestStack;
let browser: Browser;
let household: MedicalHousehold;

useStackAndBrowser({ policy: { mfa: { required: false } } }, async (env) => {
  ({ stack, browser } = env);
  household = await createMedicalHousehold(stack, 'alpha', { kigo: '710', bango: '80001' }, [
    { edaban: '00', name: '通知 太郎', relation: '本人', birthYear: 1975, userId: 'notify-taro' },
    { edaban: '01', name: '通知 花子', relation: '家族', birthYear: 1977, userId: 'notify-hanako' },
  ]);
});

const SETTINGS = '/settings/notifications';
const checkbox = (page: Page, name: string) => page.getByRole('checkbox', { name });

test('a member switches off 医療費情報の更新 in Japanese, reads the page in English too, and axe finds nothing either way', async () => {
  const page = await browser.newPage();
  await loginAndOpen(page, stack, 'alpha', 'notify-taro', SETTINGS);
  expect(await page.locator('h1').innerText()).toBe('Eメール通知設定');
  expect(await page.locator('main').innerText()).toContain('組合からのお知らせやMYメールの受信通知などをEメールで受け取る・受け取りを拒否するための設定です。');
  // Default: every kind on; the address the mails go to is shown.
  for (const name of ['医療費情報の更新', 'お知らせ', 'MYメール']) expect([name, await checkbox(page, name).isChecked()]).toEqual([name, true]);
  expect(await page.locator('.mail-address').innerText()).toBe('notify-taro@example.jp');
  expect(await axeViolations(page)).toEqual([]);

  await checkbox(page, '医療費情報の更新').uncheck();
  await page.getByRole('button', { name: '保存する' }).click();
  await page.waitForURL(`${stack.portalUrl}/u/alpha${SETTINGS}?saved=1`);
  expect(await page.getByRole('status').innerText()).toBe('Eメール通知設定を保存しました。');
  expect(await checkbox(page, '医療費情報の更新').isChecked()).toBe(false);
  expect(await checkbox(page, 'お知らせ').isChecked()).toBe(true);
  expect(await axeViolations(page)).toEqual([]);

  await page.goto(`${stack.portalUrl}/u/alpha${SETTINGS}?lang=en`);
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(await page.locator('h1').innerText()).toBe('E-mail notifications');
  expect(await checkbox(page, 'Medical expense information updated').isChecked()).toBe(false);
  expect(await checkbox(page, 'News from your union').isChecked()).toBe(true);
  expect(await japaneseOnPage(page, [stack.unions.alpha.name, '通知 太郎'])).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);
  await checkbox(page, 'MY mail (messages for you)').uncheck();
  await page.getByRole('button', { name: 'Save' }).click();
  expect(await page.getByRole('status').innerText()).toBe('Your e-mail notification settings have been saved.');
  expect(await japaneseOnPage(page, [stack.unions.alpha.name, '通知 太郎'])).toEqual([]);
  await page.close();

  // The settings, as saved, and the change in the audit log as the member's own.
  const row = await stack.portalDatabase.db('notification_settings').where({ union_slug: 'alpha', sub: household.accounts['00'] }).first();
  expect([Boolean(row.medical), Boolean(row.notices), Boolean(row.messages)]).toEqual([false, true, false]);
  const audit = await stack.portalDatabase.db('audit_log').where({ union_slug: 'alpha', action: 'notifications.settings.update' }).orderBy('id');
  expect(audit.map((a) => a.actor)).toEqual([`member:${household.accounts['00']}`, `member:${household.accounts['00']}`]);
});

test('the next import mails only the household member who kept the setting on; the link opens the medical page; the admin API shows the send done', async () => {
  // 花子 logs in once, so the portal knows her address; 太郎 switched medical mails off above.
  const page = await browser.newPage();
  await loginAndOpen(page, stack, 'alpha', 'notify-hanako', '/');
  const before = stack.mail.messages.length;

  const corrected = household.claims.slice(0, 1).map((c) => ({ ...c, selfPaid: c.selfPaid + 10 }));
  await importClaims(stack.portalDatabase.db, 'alpha', corrected);
  const mail = await stack.mail.next('notify-hanako@example.jp', { subject: `【${stack.unions.alpha.name}】医療費情報が更新されました`, timeoutMs: 30_000 });
  expect(mail.from?.value[0].address).toBe('info@example.jp'); // no infoMail configured: the documented default
  expect(mail.html).toBeTruthy();
  const link = linkIn(mail, `${stack.portalUrl}/u/alpha/medical/`);
  await page.goto(link);
  expect(await page.locator('h1').innerText()).toBe('医療費情報');
  await page.close();

  const token = await portalAdminToken(stack.unions.alpha);
  const api = (path: string) => fetch(`${stack.portalUrl}/u/alpha/admin/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  let send: Record<string, any> = {};
  for (const deadline = Date.now() + 30_000; send.state !== 'done' && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const { sends } = await (await api('/notification-sends?kind=medical&limit=1')).json() as { sends: Record<string, any>[] };
    send = sends[0];
  }
  expect(send).toMatchObject({ kind: 'medical', state: 'done', recipients: { total: 1, sent: 1, failed: 0, pending: 0 } });
  expect(send.ref).toMatch(/^claims-import:/);
  const one = await api(`/notification-sends/${send.id}`);
  expect(one.status).toBe(200);
  expect(await one.json()).toMatchObject({ id: send.id, state: 'done', failures: [] });
  expect((await api('/notification-sends/999999')).status).toBe(404);
  expect((await api('/notification-sends/abc')).status).toBe(400);
  expect((await api('/notification-sends?kind=postcards')).status).toBe(400);
  const openapi = await (await fetch(`${stack.portalUrl}/u/alpha/admin/openapi.json`)).json() as { paths: Record<string, unknown> };
  expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/notification-sends', '/notification-sends/{id}']));

  // 太郎 opted out: nothing for him from this import.
  await new Promise((r) => setTimeout(r, 500));
  const toTaro = stack.mail.messages.slice(before).filter((m) => m.to && JSON.stringify(m.to).includes('notify-taro@example.jp'));
  expect(toTaro).toEqual([]);
});

test('the form needs a member, its CSRF token and nothing but ticks', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'notify-probe', password: MEDICAL_PASSWORD });
  const url = `${stack.portalUrl}/u/alpha${SETTINGS}`;
  const stranger = new HttpAgent();
  const away = await stranger.request(url);
  expect(away.status).toBe(303);
  expect(away.headers.get('location')).toContain('/u/alpha/login?returnTo=');

  const agent = new HttpAgent();
  await passwordLogin(agent, `${stack.portalUrl}/u/alpha/`, 'notify-probe', MEDICAL_PASSWORD);
  const page = await agent.follow(url);
  expect(page.status).toBe(200);
  expect((await agent.post(page, /settings\/notifications$/, { csrf: 'forged', medical: 'on' })).status).toBe(403);
  expect((await agent.post(page, /settings\/notifications$/, { medical: 'yes' })).status).toBe(400);
  const saved = await agent.post(page, /settings\/notifications$/, { notices: 'on' });
  expect([saved.status, saved.headers.get('location')]).toEqual([303, `/u/alpha${SETTINGS}?saved=1`]);
  const after = await agent.follow(url);
  expect(after.html).toMatch(/id="notify-notices" name="notices" value="on" checked/);
  expect(after.html).not.toMatch(/id="notify-medical" name="medical" value="on" checked/);

  // Without a known address the page says no mail is sent, instead of showing an empty one.
  await stack.portalDatabase.db('portal_members').where({ union_slug: 'alpha', sub: accountId }).update({ email: null });
  expect((await agent.follow(url)).html).toContain('確認済みのメールアドレスがまだ分からないため、通知メールは送信されません。');
});
