import type { Browser, BrowserContext, Page } from 'playwright-core';
import { verifyPassword } from '../../idp/accounts/password-hasher.js';
import { adminApi } from '../helpers/admin-api.js';
import { expectAlert, loginAt, passEmailOtp } from '../helpers/journeys.js';
import { linkIn } from '../helpers/smtp.js';
import type { TestStack } from '../helpers/stack.js';
import { totpFor } from '../helpers/totp.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { axeViolations } from '../helpers/i18n-checks.js';

let stack: TestStack;
let browser: Browser;
let admin: Awaited<ReturnType<typeof adminApi>>;

useStackAndBrowser({}, async (env) => {
  ({ stack, browser } = env);
  admin = await adminApi(stack.unions.alpha);
  await admin.publishTerms('アルファ健康保険組合 Webサービス利用規約', '第1条（目的）\nこの規約は…');
});

const portalHome = () => `${stack.portalUrl}/u/alpha/`;

const alertText = (page: Page) => page.getByRole('alert').innerText();

/** axe-core finds nothing on the page as it is now. */
const expectAccessible = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

/** Opens the verification link in a separate browser (another device) and confirms it there. */
async function confirmLinkElsewhere(to: string) {
  const mail = await stack.mail.next(to);
  const other: BrowserContext = await browser.newContext();
  const page = await other.newPage();
  await page.goto(linkIn(mail, `${stack.unions.alpha.issuer}/email-verification/`));
  await expectAccessible(page);
  await page.getByRole('button', { name: 'メールアドレスを確認する' }).click();
  await page.getByText('メールアドレスを確認しました。').waitFor();
  await expectAccessible(page);
  await other.close();
  return mail;
}

test('a member walks the whole first login from the postcard to the portal', async () => {
  const postcard = await admin.memberWithPostcard({ nameKanji: '山田 花子', birthdate: '1979-08-22' });
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAt(page, portalHome(), postcard.userId, postcard.password);

  // 生年月日: format errors are explained without counting; a wrong date counts toward the lockout.
  await page.getByRole('heading', { name: '生年月日の確認' }).waitFor();
  await expectAccessible(page);
  await page.getByLabel('生年月日（半角数字8桁）').fill('1979/8/22');
  await page.getByRole('button', { name: '次へ' }).click();
  await expectAlert(page, '半角数字8桁');
  await expectAccessible(page);
  await page.getByLabel('生年月日（半角数字8桁）').fill('19800101');
  await page.getByRole('button', { name: '次へ' }).click();
  await expectAlert(page, '生年月日が正しくありません。', { exact: true });
  expect((await stack.database.db('accounts').where({ id: postcard.accountId }).first()).failed_attempts).toBe(1);
  await page.getByLabel('生年月日（半角数字8桁）').fill('19790822');
  await page.getByRole('button', { name: '次へ' }).click();

  // 利用規約
  await page.getByRole('heading', { name: '利用規約への同意' }).waitFor();
  expect(await page.locator('.terms').innerText()).toContain('第1条（目的）');
  await expectAccessible(page);
  await page.getByRole('button', { name: '同意する', exact: true }).click();

  // メールアドレス: the messages of SPEC §4.2, then a link confirmed on another device.
  await page.getByRole('heading', { name: 'メールアドレスの登録' }).waitFor();
  await page.getByRole('button', { name: '確認メールを送信する' }).click();
  await expectAlert(page, 'メールアドレスを入力してください。', { exact: true });
  await expectAccessible(page);
  await page.getByLabel('メールアドレス').fill('hanako.@example.jp');
  await page.getByRole('button', { name: '確認メールを送信する' }).click();
  await expectAlert(page, '無効なメールアドレスです。入力したメールアドレスに誤りがないかご確認ください。', { exact: true });
  await page.getByLabel('メールアドレス').fill(`${'a'.repeat(250)}@example.jp`);
  await page.getByRole('button', { name: '確認メールを送信する' }).click();
  await expectAlert(page, '設定可能なメールアドレスの最大文字数は255文字です。');
  await page.getByLabel('メールアドレス').fill('Hanako.Yamada@Example.jp');
  await page.getByRole('button', { name: '確認メールを送信する' }).click();
  await page.getByText('hanako.yamada@example.jp に確認メールを送信しました。').waitFor();
  await expectAccessible(page);
  const verification = await confirmLinkElsewhere('hanako.yamada@example.jp');
  expect(verification.subject).toBe('メールアドレスの確認');
  expect(verification.from?.value[0].address).toBe('no-reply@example.jp');
  expect(verification.html).toContain('/email-verification/'); // multipart: the HTML part has the link too

  // This browser moves on when the member says the link was used (no automatic refresh: WCAG 2.2.1).
  await page.getByRole('link', { name: '確認しました。次へ進む' }).click();
  await page.getByRole('heading', { name: 'ユーザIDと認証方法の設定' }).waitFor();
  await page.getByLabel('新しいユーザID').fill('ab');
  await page.getByRole('button', { name: '次へ' }).click();
  await expectAlert(page, '3文字以上255文字以内');
  await expectAccessible(page);
  await page.getByLabel('新しいユーザID').fill('hanako yamada!');
  await page.getByRole('button', { name: '次へ' }).click();
  await expectAlert(page, '使用できない文字');
  expect(await page.getByText('（推奨）').count()).toBe(1);
  await page.getByLabel('新しいユーザID').fill('Hanako.Yamada');
  await page.getByLabel('OTPアプリ認証（認証アプリ）').check();
  await page.getByRole('button', { name: '次へ' }).click();

  // 新しいパスワード
  await page.getByRole('heading', { name: '新しいパスワードの設定' }).waitFor();
  const setPassword = async (password: string, confirmation = password) => {
    await page.getByLabel('新しいパスワード', { exact: true }).fill(password);
    await page.getByLabel('新しいパスワード（確認）').fill(confirmation);
    await page.getByRole('button', { name: '設定する' }).click();
  };
  await setPassword('short');
  await expectAlert(page, '8文字以上64文字以内');
  await expectAccessible(page);
  await setPassword('hanako.yamada');
  await expectAlert(page, 'ユーザIDと同じパスワードは設定できません。');
  await setPassword('a-good-passw0rd', 'a-good-passw0rx');
  await expectAlert(page, '確認用のパスワードが一致しません。');
  await setPassword(postcard.password);
  await expectAlert(page, '仮パスワード');
  await setPassword('a-good-passw0rd');

  // The chosen second factor is set up right away: the authenticator app reads the key, its code proves it.
  await page.getByRole('heading', { name: '認証方法の設定' }).waitFor();
  await expectAccessible(page);
  await page.getByText('スキャンできませんか?').click();
  const secret = (await page.locator('code.secret').innerText()).trim();
  await page.getByLabel('デバイス名').fill('私のスマートフォン');
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(totpFor(secret));
  await page.getByRole('button', { name: '登録する' }).click();

  // Done: the portal, a welcome mail from webmaster@, and the postcard no longer works.
  await page.waitForURL(`${stack.portalUrl}/u/alpha/`);
  expect(await page.locator('.member-name').innerText()).toBe('山田 花子 様');
  const welcome = await stack.mail.next('hanako.yamada@example.jp');
  expect(welcome.subject).toBe('アルファ健康保険組合 Webサービスへようこそ');
  expect(welcome.from?.value[0].address).toBe('webmaster@example.jp');
  const account = await stack.database.db('accounts').where({ id: postcard.accountId }).first();
  expect(account).toMatchObject({ user_id: 'hanako.yamada', email: 'hanako.yamada@example.jp', preferred_mfa: 'totp', failed_attempts: 0 });
  expect(await verifyPassword('a-good-passw0rd', account.password_hash)).toBe(true);
  await context.close();

  const again = await browser.newPage();
  await loginAt(again, portalHome(), postcard.userId, postcard.password);
  expect(await alertText(again)).toBe('無効なユーザIDまたはパスワードです。');
  await loginAt(again, portalHome(), 'HANAKO.YAMADA', 'a-good-passw0rd');
  await again.getByRole('heading', { name: '2段階認証' }).waitFor();
  await expectAccessible(again);
  await again.getByLabel('ワンタイムパスワード（6桁）').fill(totpFor(secret, 1));
  await again.getByRole('button', { name: 'ログイン' }).click();
  await again.waitForURL(`${stack.portalUrl}/u/alpha/`);
  await again.close();
});

test('a postcard opens one login: the journey resumes in its browser; another browser with the same card is refused', async () => {
  const postcard = await admin.memberWithPostcard({ birthdate: '1990-01-31' });
  const first = await browser.newContext();
  const page = await first.newPage();
  await loginAt(page, portalHome(), postcard.userId, postcard.password);
  await page.getByLabel('生年月日（半角数字8桁）').fill('19900131');
  await page.getByRole('button', { name: '次へ' }).click();
  await page.getByRole('heading', { name: '利用規約への同意' }).waitFor();

  // The same browser comes back later: the journey goes on where it stopped, and no app got a code.
  const again = await first.newPage();
  await again.goto(portalHome());
  await again.getByRole('heading', { name: '利用規約への同意' }).waitFor();
  expect(again.url()).toContain('/interaction/');
  await first.close();

  const second = await browser.newContext();
  const other = await second.newPage();
  await loginAt(other, portalHome(), postcard.userId, postcard.password);
  expect(await alertText(other)).toBe('無効なユーザIDまたはパスワードです。');
  await second.close();
});

test('verification links: the GET does not consume, a newer mail supersedes, a used link is refused', async () => {
  const postcard = await admin.memberWithPostcard({ birthdate: '1985-05-05' });
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAt(page, portalHome(), postcard.userId, postcard.password);
  await page.getByLabel('生年月日（半角数字8桁）').fill('19850505');
  await page.getByRole('button', { name: '次へ' }).click();
  await page.getByRole('button', { name: '同意する', exact: true }).click();
  await page.getByLabel('メールアドレス').fill('links@example.jp');
  await page.getByRole('button', { name: '確認メールを送信する' }).click();
  const firstLink = linkIn(await stack.mail.next('links@example.jp'), stack.unions.alpha.issuer);

  // A mail scanner's GET leaves the link usable.
  expect((await fetch(firstLink)).status).toBe(200);
  expect((await fetch(firstLink)).status).toBe(200);

  // Resending is paced, then a new link supersedes the first.
  await page.getByRole('button', { name: '確認メールを再送信する' }).click();
  expect(await alertText(page)).toMatch(/再送信は\d+秒後からできます。/);
  // Pressing 次へ進む before the link was used says so, and the journey waits.
  await page.getByRole('link', { name: '確認しました。次へ進む' }).click();
  await page.getByText('メールアドレスの確認がまだ済んでいません。メールに記載されたURLを開き、「メールアドレスを確認する」ボタンを押してください。').waitFor();
  await stack.database.db('one_time_links').where({ account_id: postcard.accountId }).update({ created_at: Date.now() - 120_000 });
  await page.getByRole('button', { name: '確認メールを再送信する' }).click();
  await page.getByText('確認メールを再送信しました').waitFor();
  const secondLink = linkIn(await stack.mail.next('links@example.jp'), stack.unions.alpha.issuer);
  const stale = await context.newPage();
  await stale.goto(firstLink);
  expect(await alertText(stale)).toContain('より新しい確認メール');
  await expectAccessible(stale);

  await stale.goto(secondLink);
  await stale.getByRole('button', { name: 'メールアドレスを確認する' }).click();
  await stale.getByText('メールアドレスを確認しました。').waitFor();
  await stale.goto(secondLink);
  expect(await alertText(stale)).toContain('既に使用されています');
  await context.close();
});

test('after a new version of the terms, members accept it before any app gets a code; declining ends the login', async () => {
  const postcard = await admin.memberWithPostcard({ birthdate: '1970-07-07' });
  // Finish the journey quickly through the database, as if done earlier.
  await stack.database.db('accounts').where({ id: postcard.accountId }).update({
    user_id: 'terms-reader', birthdate_verified_at: 1, email: 'terms@example.jp', email_verified_at: 1, preferred_mfa: 'email_otp', first_login_completed_at: 1,
    password_hash: (await stack.database.db('temporary_credentials').where({ account_id: postcard.accountId }).first()).password_hash,
  });
  const current = (await admin.call('GET', '/terms')).body;
  await stack.database.db('terms_acceptances').insert({ account_id: postcard.accountId, version: current.version, accepted_at: 1 });

  const page = await browser.newPage();
  await loginAt(page, portalHome(), 'terms-reader', postcard.password);
  await passEmailOtp(page, stack.mail, 'terms@example.jp');
  await page.waitForURL(`${stack.portalUrl}/u/alpha/`);

  const published = await admin.publishTerms('利用規約（改定）', '第1条（目的）改定しました。');
  expect(published.status).toBe(201);
  const declining = await browser.newPage();
  await loginAt(declining, portalHome(), 'terms-reader', postcard.password);
  // The member's factor comes before any required action.
  await passEmailOtp(declining, stack.mail, 'terms@example.jp');
  expect(await declining.locator('.terms').innerText()).toContain('改定しました');
  await declining.getByRole('button', { name: '同意しない' }).click();
  expect(await alertText(declining)).toContain('利用規約に同意いただけなかったため、ログインを中止しました。');
  await expectAccessible(declining);
  await declining.getByRole('link', { name: 'アプリケーションに戻る' }).click();
  await declining.waitForURL(/\/u\/alpha\/callback\?error=access_denied/);

  const accepting = await browser.newPage();
  await loginAt(accepting, portalHome(), 'terms-reader', postcard.password);
  await passEmailOtp(accepting, stack.mail, 'terms@example.jp');
  await accepting.getByRole('button', { name: '同意する', exact: true }).click();
  await accepting.waitForURL(`${stack.portalUrl}/u/alpha/`);
  const acceptance = await stack.database.db('terms_acceptances').where({ account_id: postcard.accountId, version: published.body.version }).first();
  expect(acceptance.accepted_at).toEqual(expect.any(Number));
});

test('expired temporary credentials get a clear message; a reissued pair works', async () => {
  const postcard = await admin.memberWithPostcard();
  await stack.database.db('temporary_credentials').where({ login_id: postcard.userId }).update({ expires_at: Date.now() - 1000 });
  const page = await browser.newPage();
  await loginAt(page, portalHome(), postcard.userId, postcard.password);
  await expectAlert(page, '仮パスワードの有効期限が切れています');

  const { body: reissued } = await admin.call('POST', `/members/${postcard.memberId}/temporary-credentials`);
  await loginAt(page, portalHome(), reissued.temporaryUserId, reissued.temporaryPassword);
  await page.getByRole('heading', { name: '生年月日の確認' }).waitFor();
  await page.close();
});

test('a migrated member\'s 記号番号 + birthdate opens a login only with a code mailed to the address of the old service', async () => {
  const migrate = async (kigo: string, bango: string, birthdate: string, userId: string, email?: string) => {
    await admin.call('POST', '/members', { ...(await import('../helpers/stack.js')).memberRecord(stack.unions.alpha, { kigo, bango, birthdate }), kigo, bango });
    const migrated = await admin.call('POST', '/migrated-accounts', { accounts: [{ insurerNumber: stack.unions.alpha.insurerNumber, kigo, bango, userId, ...(email ? { email } : {}) }] });
    expect(migrated.status).toBe(200);
    return migrated.body.accounts[0].accountId as string;
  };
  await migrate('77', '8801', '1965-03-14', 'Old.User', 'old.user@example.jp');

  const page = await browser.newPage();
  await loginAt(page, portalHome(), 'old.user', '77880119650314');
  // Before any step: the code mailed to the address verified in the old service.
  expect(await page.getByLabel('生年月日（半角数字8桁）').count()).toBe(0);
  await passEmailOtp(page, stack.mail, 'old.user@example.jp');
  await page.getByLabel('生年月日（半角数字8桁）').fill('19650314');
  await page.getByRole('button', { name: '次へ' }).click();
  await page.getByRole('button', { name: '同意する', exact: true }).click();
  // The user ID and the address are already theirs: the step only asks for the method.
  await page.getByRole('heading', { name: 'ユーザIDと認証方法の設定' }).waitFor({ timeout: 15_000 });
  expect(await page.getByLabel('新しいユーザID').inputValue()).toBe('old.user');
  await page.getByLabel('OTPメール認証').check();
  await page.getByRole('button', { name: '次へ' }).click();
  await page.getByLabel('新しいパスワード', { exact: true }).fill('77880119650314');
  await page.getByLabel('新しいパスワード（確認）').fill('77880119650314');
  await page.getByRole('button', { name: '設定する' }).click();
  await expectAlert(page, '現在のパスワード');
  await page.getByLabel('新しいパスワード', { exact: true }).fill('brand-new-pass-1');
  await page.getByLabel('新しいパスワード（確認）').fill('brand-new-pass-1');
  await page.getByRole('button', { name: '設定する' }).click();
  await page.waitForURL(`${stack.portalUrl}/u/alpha/`);
  await page.close();

  // Without an address on file the card data alone is refused (a postcard is the way in); once expired, too.
  const noMail = await migrate('77', '8802', '1966-04-15', 'no.mail');
  const refused = await browser.newPage();
  await loginAt(refused, portalHome(), 'no.mail', '77880219660415');
  expect(await alertText(refused)).toContain('初期パスワードではログインできません');
  await stack.database.db('accounts').where({ id: noMail }).update({ email: 'no.mail@example.jp', email_verified_at: 1, initial_password_expires_at: Date.now() - 1000 });
  await loginAt(refused, portalHome(), 'no.mail', '77880219660415');
  expect(await alertText(refused)).toContain('有効期限が切れています');
  await refused.close();
});
