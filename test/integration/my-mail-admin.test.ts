import { listAudit } from '../../audit/audit-log.js';
import { HttpAgent, passwordLogin, textOf } from '../helpers/http-agent.js';
import { portalAdminApi } from '../helpers/my-mail.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * MYメール from the union's side: send to a card, follow the thread, answer the member's reply —
 * all through the portal admin API — with the member reading and replying on the portal's pages.
 */
let stack: TestStack;
let api: Awaited<ReturnType<typeof portalAdminApi>>;
let agent: HttpAgent;
let sub: string;
const CARD = { kigo: '310', bango: '5501', edaban: '00' };
const PASSWORD = 'my-mail-pass-1';

beforeAll(async () => {
  stack = await startStack({ policy: { mfa: { required: false } } });
  api = await portalAdminApi(stack, 'alpha');
  ({ accountId: sub } = await createMemberWithLogin(stack, 'alpha', { userId: 'mail-honnin', password: PASSWORD }, { kigo: CARD.kigo, bango: CARD.bango, edaban: '00' }));
  agent = new HttpAgent();
  await passwordLogin(agent, `${stack.portalUrl}/u/alpha/`, 'mail-honnin', PASSWORD);
});
afterAll(async () => { await stack.close(); });

const page = (path: string) => agent.follow(`${stack.portalUrl}/u/alpha${path}`);
/** The ✉ count in the header, or 0 when it shows none. */
/** The ✉'s unread count in the member header (none shown: 0). */
const envelopeCount = (html: string) => Number(/href="\/u\/[^"]+\/messages">(?:(?!<\/a>)[\s\S])*?<span class="count" aria-hidden="true">(\d+)</.exec(html)?.[1] ?? 0);

test('the union sends a 要返信 message, the member reads and replies on the portal, the union answers: each step shows in the API', async () => {
  const sent = await api.call('POST', '/messages', {
    ...CARD, subject: '【要返信】被扶養者の資格確認について', body: '被扶養者の資格を確認しています。\n\n詳しくは https://example.jp/kakunin をご覧ください。', replyRequested: true,
  });
  expect(sent.status).toBe(201);
  expect(sent.body).toMatchObject({ id: expect.any(Number), recipientsLoggedIn: 1, message: { ...CARD, unread: true, awaiting: 'member', replyRequested: true } });
  const id = sent.body.id as number;

  // The list, filtered by card and by whose turn it is.
  const byCard = await api.call('GET', `/messages?kigo=${CARD.kigo}&bango=${CARD.bango}&edaban=00`);
  expect(byCard.body.messages).toEqual([expect.objectContaining({ id, unread: true, readAt: null, lastEntryBy: 'union', awaiting: 'member', createdBy: stack.unions.alpha.admin.clientId })]);
  expect((await api.call('GET', '/messages?awaiting=member')).body.messages.map((m: { id: number }) => m.id)).toContain(id);
  expect((await api.call('GET', '/messages?awaiting=union')).body.messages.map((m: { id: number }) => m.id)).not.toContain(id);

  // The member sees it unread, with 要返信, and the ✉ counts it.
  const list = await page('/messages/');
  expect(envelopeCount(list.html)).toBe(1);
  expect(textOf(list.html)).toMatch(/【要返信】被扶養者の資格確認について 未読 要返信/);

  // Opening it marks it read (the header already counts it out) and the union sees when.
  const detail = await page(`/messages/${id}`);
  expect(detail.status).toBe(200);
  expect(envelopeCount(detail.html)).toBe(0);
  expect(detail.html).toContain('<a href="https://example.jp/kakunin" rel="noopener noreferrer">https://example.jp/kakunin</a>');
  const read = await api.call('GET', `/messages/${id}`);
  expect(read.body).toMatchObject({ unread: false, readAt: expect.any(String), body: expect.stringContaining('被扶養者'), entries: [] });

  // The member replies through the form (CSRF from the page); Post/Redirect/Get shows the notice.
  const replied = await agent.submit(detail, /\/replies$/, { text: '確認しました。\r\n書類は来週送ります。' });
  expect(replied.url).toBe(`${stack.portalUrl}/u/alpha/messages/${id}`);
  expect(textOf(replied.html)).toContain('返信を送信しました。');
  expect(textOf(replied.html)).toContain('返信済み');
  expect(textOf((await page(`/messages/${id}`)).html)).not.toContain('返信を送信しました。'); // shown once

  const awaitingUnion = await api.call('GET', '/messages?awaiting=union');
  expect(awaitingUnion.body.messages).toEqual([expect.objectContaining({ id, lastEntryBy: 'member', awaiting: 'union' })]);
  const unanswered = await api.call('GET', '/replies?unanswered=true');
  expect(unanswered.body.replies).toEqual([expect.objectContaining({
    messageId: id, author: 'member', authorId: sub, text: '確認しました。\n書類は来週送ります。', answeredAt: null, ...CARD, subject: '【要返信】被扶養者の資格確認について',
  })]);

  // The union answers: the reply is answered, the message unread again and the member's turn again.
  const answer = await api.answer(id, 'ありがとうございます。書類の到着をお待ちしています。');
  expect(answer.status).toBe(201);
  expect(answer.body).toMatchObject({ author: 'union', authorId: stack.unions.alpha.admin.clientId, text: 'ありがとうございます。書類の到着をお待ちしています。' });
  expect((await api.call('GET', '/replies?unanswered=true')).body.replies).toEqual([]);
  expect((await api.call('GET', '/replies')).body.replies).toEqual([expect.objectContaining({ messageId: id, answeredAt: expect.any(String) })]);
  const thread = await api.call('GET', `/messages/${id}`);
  expect(thread.body).toMatchObject({ unread: true, awaiting: 'member', lastEntryBy: 'union' });
  expect(thread.body.entries.map((e: { author: string }) => e.author)).toEqual(['member', 'union']);

  const again = await page('/messages/');
  expect(envelopeCount(again.html)).toBe(1);
  expect(textOf(again.html)).toMatch(/被扶養者の資格確認について 未読 要返信/);
  const reopened = await page(`/messages/${id}`);
  expect(textOf(reopened.html)).toMatch(/健康保険組合 .*ありがとうございます。書類の到着をお待ちしています。/);

  // Every step is in the portal's audit log: the member's as member:<sub>, the union's as its client.
  const audit = await listAudit(stack.portalDatabase.db, 'alpha', { limit: 100 });
  const member = audit.filter((e) => e.actor === `member:${sub}`);
  expect(member.filter((e) => e.action === 'mymail.read' && e.target === `message:${id}` && e.outcome === 'success')).toHaveLength(4);
  expect(member.find((e) => e.action === 'mymail.reply')).toMatchObject({ target: `message:${id}`, outcome: 'success', detail: { characters: 18 } });
  const admin = audit.filter((e) => e.actor === `admin:${stack.unions.alpha.admin.clientId}`).map((e) => e.action);
  expect(admin).toEqual(expect.arrayContaining(['admin.messages.send', 'admin.messages.list', 'admin.messages.read', 'admin.messages.reply', 'admin.messages.replies']));
  // The audit says who and which message, never what it says.
  expect(JSON.stringify(audit)).not.toContain('書類');
});

test('a message to a card nobody has logged in with waits; the person sees it at their first login', async () => {
  const card = { kigo: '310', bango: '5502', edaban: '01' };
  const sent = await api.call('POST', '/messages', { ...card, subject: 'ようこそ', body: 'ポータルのご利用ありがとうございます。' });
  expect(sent.body).toMatchObject({ recipientsLoggedIn: 0, message: { replyRequested: false, awaiting: null } });

  await createMemberWithLogin(stack, 'alpha', { userId: 'mail-late', password: PASSWORD }, { ...card, relation: '家族' });
  const late = new HttpAgent();
  await passwordLogin(late, `${stack.portalUrl}/u/alpha/`, 'mail-late', PASSWORD);
  const list = await late.follow(`${stack.portalUrl}/u/alpha/messages/`);
  expect(textOf(list.html)).toContain('ようこそ 未読');
  // Not 要返信: no reply form, and a reply is refused.
  const detail = await late.follow(`${stack.portalUrl}/u/alpha/messages/${sent.body.id}`);
  expect(detail.html).not.toContain('/replies"');
  const csrf = /name="csrf" value="([^"]+)"/.exec(detail.html)![1];
  const refused = await late.request(`${stack.portalUrl}/u/alpha/messages/${sent.body.id}/replies`, { form: { csrf, text: 'はい' } });
  expect(refused.status).toBe(400);
  expect(textOf(refused.html)).toContain('このメールには返信できません。');
  expect((await api.call('GET', `/messages/${sent.body.id}`)).body.entries).toEqual([]);
});

test('bad input gets precise errors, in English or Japanese; unknown ids are 404', async () => {
  const bad = await api.call('POST', '/messages', {
    kigo: '', bango: '5501', edaban: '0', subject: '一行目\n二行目', body: 'x'.repeat(10_001), replyRequested: 'yes', colour: 'red',
  });
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('validation_failed');
  expect(bad.body.error.details).toEqual(expect.arrayContaining([
    { field: 'kigo', message: 'is required' },
    { field: 'edaban', message: 'must be two digits (00 for the insured person)' },
    { field: 'subject', message: 'must be a single line' },
    { field: 'body', message: 'must be at most 10000 characters' },
    { field: 'replyRequested', message: 'must be of type boolean' },
    { field: '(body)', message: 'unknown fields: colour' },
  ]));
  const ja = await api.call('POST', '/messages', { ...CARD, subject: '   ', body: 'ok\u0000' }, { 'accept-language': 'ja' });
  expect(ja.body.error.details).toEqual(expect.arrayContaining([
    { field: 'subject', message: '必須です' },
    { field: 'body', message: '改行とタブ以外の制御文字は使えません' },
  ]));
  expect((await api.call('GET', '/messages?awaiting=someone')).body.error.details).toEqual([{ field: 'awaiting', message: 'must be one of: union, member' }]);
  expect((await api.call('GET', '/replies?unanswered=yes')).status).toBe(400);

  expect((await api.call('GET', '/messages/999999')).status).toBe(404);
  expect((await api.call('GET', '/messages/abc')).status).toBe(404);
  expect((await api.answer(999999, 'hello')).status).toBe(404);
  const id = await api.send({ ...CARD, subject: 'Empty answer', body: 'b' });
  expect((await api.call('POST', `/messages/${id}/replies`, { text: ' ' })).body.error.details).toEqual([{ field: 'text', message: 'is required' }]);

  // Another union's admin cannot read or answer alpha's message.
  const beta = await portalAdminApi(stack, 'beta');
  expect((await beta.call('GET', `/messages/${id}`)).status).toBe(404);
  expect((await beta.answer(id, 'hi')).status).toBe(404);
  expect((await beta.call('GET', '/messages')).body.messages).toEqual([]);
});

test('the OpenAPI document describes the MY mail endpoints', async () => {
  const doc = await (await fetch(`${stack.portalUrl}/u/alpha/admin/openapi.json`)).json() as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/messages', '/messages/{id}', '/messages/{id}/replies', '/replies']));
  expect(Object.keys(doc.paths['/messages'])).toEqual(['post', 'get']);
  expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['NewMessage', 'Message', 'ThreadEntry', 'MemberReplyList']));
});
