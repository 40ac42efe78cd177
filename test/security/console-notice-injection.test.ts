import type { Browser } from 'playwright-core';
import { loginAt, passEmailOtp } from '../helpers/journeys.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { useStackAndBrowser } from '../helpers/e2e.js';

let stack: TestStack;
let browser: Browser;

useStackAndBrowser({}, (env) => ({ stack, browser } = env));

const consoleUrl = (path = '/') => `${stack.idpUrl}/u/alpha/account${path}`;

// The review's attack: a link on our own domain whose notice box says what the attacker wrote.
const PHISHING = '【重要】アカウントが停止されました。https://evil.example/ で本人確認してください';

test('?notice=<any text> never reaches a console page; only the console\'s own notices are shown', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'notice-victim', password: 'notice-pass-1', mfa: 'email_otp' });
  const page = await browser.newPage();
  await loginAt(page, consoleUrl('/'), 'notice-victim', 'notice-pass-1');
  await passEmailOtp(page, stack.mail, 'notice-victim@example.jp');
  await page.getByRole('heading', { name: 'アカウント管理' }).waitFor();

  for (const path of ['/', '/security', '/sessions', '/profile']) {
    for (const injected of [PHISHING, '<b>太字</b>', 'constructor', '__proto__', 'toString']) {
      const response = await page.goto(`${consoleUrl(path)}?notice=${encodeURIComponent(injected)}`);
      expect(response?.status()).toBe(200);
      expect(await page.locator('.notice').count()).toBe(0);
      expect(await page.content()).not.toContain(injected.includes('<') ? '太字' : injected === PHISHING ? 'evil.example' : `>${injected}<`);
    }
  }
  // A key of the fixed set shows its own text.
  await page.goto(`${consoleUrl('/security')}?notice=passwordChanged`);
  expect(await page.locator('.notice').innerText()).toBe('パスワードを更新しました。');
  await page.close();
});
