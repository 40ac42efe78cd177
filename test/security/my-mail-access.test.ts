import { listAudit } from '../../audit/audit-log.js';
import { csrfOf, HttpAgent, passwordLogin, textOf } from '../helpers/http-agent.js';
import { portalAdminApi } from '../helpers/my-mail.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * A MY mail is for the one person whose card it names. Whatever id a member puts in the URL — their
 * 家族's, the 本人's, someone else's, another union's — they get the same "not found" as for an id
 * that does not exist, and they can neither read nor answer it. What the union writes is text: HTML
 * in it never becomes markup, and only https:// links become links.
 */
let stack: TestStack;
const PASSWORD = 'my-mail-guard-1';
const HOUSEHOLD = { kigo: '820', bango: '7001' };
const agents: Record<string, HttpAgent> = {};
const subs: Record<string, string> = {};
const ids: Record<string, number> = {};

async function loggedIn(slug: string, userId: string, card: { kigo: string; bango: string; edaban: string }, relation: '本人' | '家族') {
  const { accountId } = await createMemberWithLogin(stack, slug, { userId, password: PASSWORD }, { ...card, relation });
  const agent = new HttpAgent();
  await passwordLogin(agent, `${stack.portalUrl}/u/${slug}/`, userId, PASSWORD);
  return { agent, sub: accountId };
}

beforeAll(async () => {
  stack = await startStack({ policy: { mfa: { required: false } } });
  const people = {
    honnin: ['alpha', 'guard-honnin', { ...HOUSEHOLD, edaban: '00' }, '本人'],
    kazoku: ['alpha', 'guard-kazoku', { ...HOUSEHOLD, edaban: '01' }, '家族'],
    stranger: ['alpha', 'guard-stranger', { kigo: '820', bango: '7002', edaban: '00' }, '本人'],
    // The same card numbers in another union: a different person.
    twin: ['beta', 'guard-twin', { ...HOUSEHOLD, edaban: '00' }, '本人'],
  } as const;
  for (const [who, [slug, userId, card, relation]] of Object.entries(people)) {
    ({ agent: agents[who], sub: subs[who] } = await loggedIn(slug, userId, card, relation));
  }
  const alpha = await portalAdminApi(stack, 'alpha');
  const beta = await portalAdminApi(stack, 'beta');
  ids.honnin = await alpha.send({ ...HOUSEHOLD, edaban: '00', subject: '本人様への要返信', body: '本人だけが読める内容', replyRequested: true });
  ids.kazoku = await alpha.send({ ...HOUSEHOLD, edaban: '01', subject: '家族様への要返信', body: '家族だけが読める内容', replyRequested: true });
  ids.twin = await beta.send({ ...HOUSEHOLD, edaban: '00', subject: 'ベータの本人様へ', body: 'ベータ組合の内容', replyRequested: true });
});
afterAll(async () => { await stack.close(); });

const url = (slug: string, path: string) => `${stack.portalUrl}/u/${slug}/messages${path}`;
const entriesOf = async (id: number) => stack.portalDatabase.db('member_message_entries').where({ message_id: id });

test('each person reads their own message, and only that one; every other id is "not found"', async () => {
  const own = await agents.honnin.follow(url('alpha', `/${ids.honnin}`));
  expect(own.status).toBe(200);
  expect(textOf(own.html)).toContain('本人だけが読める内容');

  const probes: Array<[string, string, string]> = [
    ['the 本人 opening the 家族\'s message', 'honnin', url('alpha', `/${ids.kazoku}`)],
    ['the 家族 opening the 本人\'s message', 'kazoku', url('alpha', `/${ids.honnin}`)],
    ['another card opening the 本人\'s message', 'stranger', url('alpha', `/${ids.honnin}`)],
    ['an alpha member opening beta\'s message id at alpha', 'honnin', url('alpha', `/${ids.twin}`)],
    ['the same card at beta opening alpha\'s message id', 'twin', url('beta', `/${ids.honnin}`)],
    ['an id that does not exist', 'honnin', url('alpha', '/987654')],
    ['an id that is not a number', 'honnin', url('alpha', '/1%20OR%201=1')],
  ];
  const main = (html: string) => textOf(/<main[\s\S]*<\/main>/.exec(html)![0]);
  const notFound = main((await agents.honnin.follow(url('alpha', '/987654'))).html);
  for (const [what, who, target] of probes) {
    const page = await agents[who].follow(target);
    expect([what, page.status]).toEqual([what, 404]);
    expect([what, textOf(page.html)]).not.toEqual([what, expect.stringMatching(/読める内容|ベータ組合の内容|への要返信|ベータの本人様へ/)]);
    // Nothing tells a foreign id from a missing one.
    expect([what, main(page.html)]).toEqual([what, notFound]);
  }

  // Lists hold only one's own; the twin in beta sees beta's message only.
  expect(textOf((await agents.honnin.follow(url('alpha', '/'))).html)).not.toContain('家族様への要返信');
  expect(textOf((await agents.kazoku.follow(url('alpha', '/'))).html)).not.toContain('本人様への要返信');
  expect(textOf((await agents.stranger.follow(url('alpha', '/'))).html)).toContain('MYメールはまだ届いていません。');
  const twinList = textOf((await agents.twin.follow(url('beta', '/'))).html);
  expect(twinList).toContain('ベータの本人様へ');
  expect(twinList).not.toContain('本人様への要返信');

  // The probes are in the audit log, refused.
  const denied = (await listAudit(stack.portalDatabase.db, 'alpha', { limit: 100 }))
    .filter((e) => e.action === 'mymail.read' && e.outcome === 'denied' && e.actor === `member:${subs.kazoku}`);
  expect(denied.map((e) => e.target)).toContain(`message:${ids.honnin}`);
});

test('nobody can reply to someone else\'s message, even with a valid form of their own', async () => {
  const ownPage = await agents.honnin.follow(url('alpha', `/${ids.honnin}`));
  const csrf = csrfOf(ownPage);
  for (const [target, id] of [[url('alpha', `/${ids.kazoku}/replies`), ids.kazoku], [url('alpha', `/${ids.twin}/replies`), ids.twin]] as const) {
    const answer = await agents.honnin.request(target, { form: { csrf, text: '他人宛への返信' } });
    expect(answer.status).toBe(404);
    expect(await entriesOf(id)).toEqual([]);
  }
  const refused = (await listAudit(stack.portalDatabase.db, 'alpha', { limit: 50 }))
    .filter((e) => e.action === 'mymail.reply' && e.outcome === 'denied' && e.actor === `member:${subs.honnin}`);
  expect(refused.map((e) => e.target)).toContain(`message:${ids.kazoku}`);
});

test('a reply without the session\'s CSRF token, or with another session\'s, is refused and stores nothing', async () => {
  const target = url('alpha', `/${ids.kazoku}/replies`);
  const noToken = await agents.kazoku.request(target, { form: { text: '偽の返信' } });
  expect(noToken.status).toBe(403);
  const othersToken = csrfOf(await agents.honnin.follow(url('alpha', `/${ids.honnin}`)));
  const wrongToken = await agents.kazoku.request(target, { form: { csrf: othersToken, text: '偽の返信' } });
  expect(wrongToken.status).toBe(403);
  // A cross-site page cannot post as the member: without a session there is only the login.
  const anonymous = await new HttpAgent().request(target, { form: { text: '偽の返信' } });
  expect([303, 403]).toContain(anonymous.status);
  expect(await entriesOf(ids.kazoku)).toEqual([]);
});

test('HTML in a message, in a union answer and in a member reply is shown as text; only https links become links', async () => {
  const alpha = await portalAdminApi(stack, 'alpha');
  const hostile = [
    '<script>alert("body")</script>',
    '<img src=x onerror=alert(1)>',
    'javascript:alert(1) と http://plain.example.jp は文字のまま',
    'https://example.jp/a"><script>alert(2)</script>',
    'https://example.jp/ok?x=1&y=2。',
  ].join('\n\n');
  const id = await alpha.send({ ...HOUSEHOLD, edaban: '00', subject: '<b>件名</b><script>alert(3)</script>', body: hostile, replyRequested: true });
  expect((await alpha.answer(id, '<iframe src="//evil.example"></iframe>')).status).toBe(201);
  const page = await agents.honnin.follow(url('alpha', `/${id}`));
  await agents.honnin.submit(page, /\/replies$/, { text: '<a href="javascript:alert(4)">click</a>' });
  const shown = await agents.honnin.follow(url('alpha', `/${id}`));
  const list = await agents.honnin.follow(url('alpha', '/'));

  for (const html of [shown.html, list.html]) {
    expect(html).not.toMatch(/<script>alert|<img src=x|<iframe|<b>件名|href="javascript:|href="http:\/\/plain/);
  }
  expect(shown.html).toContain('&#60;script&#62;alert(&#34;body&#34;)&#60;/script&#62;');
  expect(shown.html).toContain('&#60;iframe src=&#34;//evil.example&#34;&#62;&#60;/iframe&#62;');
  expect(shown.html).toContain('&#60;a href=&#34;javascript:alert(4)&#34;&#62;click&#60;/a&#62;');
  // The only links the text made: https, cut where the URL ends, escaped in the attribute.
  const links = [...shown.html.matchAll(/<a href="(https:[^"]*)" rel="noopener noreferrer">/g)].map((m) => m[1]);
  expect(links).toEqual(['https://example.jp/a', 'https://example.jp/ok?x=1&amp;y=2']);
});
