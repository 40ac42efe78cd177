import { listAudit } from '../../audit/audit-log.js';
import { HttpAgent, passwordLogin, textOf, type Page } from '../helpers/http-agent.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let sub: string;
let agent: HttpAgent;
const PASSWORD = 'profile-pages-1';

beforeAll(async () => {
  stack = await startStack({ policy: { mfa: { required: false } } });
  ({ accountId: sub } = await createMemberWithLogin(stack, 'alpha', { userId: 'profile-pages', password: PASSWORD }));
  agent = new HttpAgent();
  await passwordLogin(agent, `${stack.portalUrl}/u/alpha/profile`, 'profile-pages', PASSWORD);
});
afterAll(() => stack?.close());

const profileUrl = (query = '') => `${stack.portalUrl}/u/alpha/profile${query}`;
const fieldValue = (page: Page, id: string) => {
  const input = new RegExp(`<input[^>]*id="${id}"[^>]*value="([^"]*)"`).exec(page.html);
  if (input) return input[1];
  return new RegExp(`<textarea[^>]*id="${id}"[^>]*>\\n?([\\s\\S]*?)</textarea>`).exec(page.html)?.[1];
};

async function save(fields: Record<string, string>, query = ''): Promise<Page> {
  const form = await agent.request(profileUrl(query));
  return agent.post(form, /\/profile$/, fields);
}

test('the page offers the form with the seed\'s note on rights, the limits and the avatar\'s choices', async () => {
  const page = await agent.request(profileUrl());
  expect(page.status).toBe(200);
  const text = textOf(page.html);
  expect(text).toContain('プロフィール設定');
  expect(text).toContain('第三者の著作権や肖像権、その他知的財産権、財産、プライバシーを侵害するもの');
  expect(text).toContain('公序良俗に反するものは設定しないでください。');
  expect(text).toContain('20文字以内');
  expect(text).toContain('400文字以内');
  expect(text).toContain('プロフィール画像は設定されていません。');
  for (const choice of ['中央', '上', '下', '左', '右']) expect(page.html).toContain(`> ${choice}</label>`);
  expect(page.html).toContain('enctype="multipart/form-data"');
});

test('saving: one redirect to the page, which says so and shows what was saved', async () => {
  const answer = await save({ nickname: '  けんぽ太郎 ', introduction: '趣味は散歩です。\r\n<b>よろしく</b>' });
  expect(answer.status).toBe(303);
  expect(answer.headers.get('location')).toBe('/u/alpha/profile?saved=profile');
  const page = await agent.request(new URL(answer.headers.get('location')!, stack.portalUrl).href);
  expect(textOf(page.html)).toContain('ニックネーム・自己紹介を保存しました。');
  expect(fieldValue(page, 'nickname')).toBe('けんぽ太郎');
  expect(fieldValue(page, 'introduction')).toBe('趣味は散歩です。\n&lt;b&gt;よろしく&lt;/b&gt;'); // text, never markup
  expect(page.html).not.toContain('<b>よろしく');

  // The audit log says who changed what, not what the introduction says.
  const [entry] = await listAudit(stack.portalDatabase.db, 'alpha', { target: sub, limit: 1 });
  expect(entry).toMatchObject({ actor: `member:${sub}`, action: 'profile.update', outcome: 'success', detail: { changed: ['nickname', 'introduction'] } });
  expect(JSON.stringify(entry)).not.toContain('散歩');
});

test('too long, or with control characters: precise messages, the typed text kept, nothing saved', async () => {
  const nickname = 'ながいなまえ'.repeat(4); // 24 characters
  const introduction = 'あ'.repeat(401);
  const page = await save({ nickname, introduction });
  expect(page.status).toBe(400);
  const text = textOf(page.html);
  expect(text).toContain('入力内容を確認してください。');
  expect(text).toContain('ニックネームは20文字以内で入力してください（現在24文字）。');
  expect(text).toContain('自己紹介は400文字以内で入力してください（現在401文字）。');
  expect(fieldValue(page, 'nickname')).toBe(nickname);
  expect(fieldValue(page, 'introduction')).toBe(introduction);
  expect(page.html).toMatch(/id="nickname"[^>]*aria-invalid="true"/);
  expect(page.html).toContain('href="#introduction"');

  const control = await save({ nickname: 'tab\there', introduction: 'ok' });
  expect(control.status).toBe(400);
  expect(textOf(control.html)).toContain('ニックネームに使えない文字（改行や制御文字）が含まれています。');

  // A long paste still comes back with its message (not a "too large" error page) and is kept.
  const pasted = '長文'.repeat(2500);
  const paste = await save({ nickname: 'けんぽ太郎', introduction: pasted });
  expect(paste.status).toBe(400);
  expect(textOf(paste.html)).toContain('（現在5000文字）');
  expect(fieldValue(paste, 'introduction')).toBe(pasted);

  const stored = await agent.request(profileUrl());
  expect(fieldValue(stored, 'nickname')).toBe('けんぽ太郎');
});

test('in English, the messages are English', async () => {
  const page = await save({ nickname: 'x'.repeat(21), introduction: 'bell\u0007' }, '?lang=en');
  expect(page.status).toBe(400);
  const text = textOf(page.html);
  expect(text).toContain('Your nickname must be at most 20 characters (it is 21 now).');
  expect(text).toContain('Your self-introduction contains characters that cannot be used (control characters).');
  const saved = await agent.follow(profileUrl(), { form: { csrf: /name="csrf" value="([^"]+)"/.exec(page.html)![1], nickname: 'Ken', introduction: '' } });
  expect(textOf(saved.html)).toContain('Your nickname and self-introduction have been saved.');
  await agent.request(profileUrl('?lang=ja'));
});

test('a form without the session\'s token changes nothing', async () => {
  const answer = await agent.request(profileUrl(), { form: { nickname: 'のっとり', introduction: '' } });
  expect(answer.status).toBe(403);
  const forged = await agent.request(profileUrl(), { form: { csrf: 'x'.repeat(32), nickname: 'のっとり', introduction: '' } });
  expect(forged.status).toBe(403);
  expect(fieldValue(await agent.request(profileUrl()), 'nickname')).toBe('Ken');
});

test('someone not logged in is sent to log in, and nobody else\'s profile is reachable', async () => {
  const stranger = new HttpAgent();
  const page = await stranger.request(profileUrl());
  expect(page.status).toBe(303);
  expect(page.headers.get('location')).toBe('/u/alpha/login?returnTo=%2Fu%2Falpha%2Fprofile');
  const post = await stranger.request(profileUrl(), { form: { nickname: 'x', introduction: '' } });
  expect(post.status).toBe(303);
  // The same session is not a member of the other union: its profile page asks for a login there.
  expect((await agent.request(`${stack.portalUrl}/u/beta/profile`)).status).toBe(303);
});
