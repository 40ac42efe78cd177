import { listAudit } from '../../audit/audit-log.js';
import { portalAdminToken, startStack, type TestStack } from '../helpers/stack.js';

/** The union publishes お知らせ through the portal admin API; every call is in the portal's audit log. */
let stack: TestStack;
let token: string;
beforeAll(async () => {
  stack = await startStack({ policy: { mfa: { required: false } } });
  token = await portalAdminToken(stack.unions.alpha);
});
afterAll(() => stack?.close());

type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, options: { token?: string; headers?: Record<string, string>; slug?: string } = {}) {
  const response = await fetch(`${stack.portalUrl}/u/${options.slug ?? 'alpha'}/admin/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.token ?? token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
}
const lastAudit = async () => (await listAudit(stack.portalDatabase.db, 'alpha', { limit: 1 }))[0];
const fieldsAtFault = (body: Json) => (body.error.details as Array<{ field: string; message: string }>);

test('a news item is created with defaults (published now, to everyone), listed, read, and audited without its text', async () => {
  const before = Date.now();
  const created = await call('POST', '/notices', { title: '年末年始の窓口について', body: '12月29日から1月3日まで窓口を休業します。\n\n詳しくは https://example.jp/ をご覧ください。' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    kind: 'news', audience: 'all', title: '年末年始の窓口について', state: 'published', publishTo: null, window: null, reads: 0,
    createdBy: stack.unions.alpha.admin.clientId, updatedBy: stack.unions.alpha.admin.clientId, withdrawnAt: null,
  });
  expect(Date.parse(created.body.publishFrom)).toBeGreaterThanOrEqual(before - 1000);
  const id = created.body.id as number;

  const audit = await lastAudit();
  expect(audit).toMatchObject({ actor: `admin:${stack.unions.alpha.admin.clientId}`, action: 'admin.notices.create', target: `notice:${id}`, outcome: 'success' });
  expect(audit.detail).toMatchObject({ kind: 'news', audience: 'all', status: 201 });
  expect(JSON.stringify(audit.detail)).not.toContain('窓口');

  expect((await call('GET', `/notices/${id}`)).body).toMatchObject({ id, title: '年末年始の窓口について' });
  expect((await lastAudit())).toMatchObject({ action: 'admin.notices.read', target: `notice:${id}` });
  const list = await call('GET', '/notices');
  expect(list.body.notices.map((n: Json) => n.id)).toContain(id);
  expect((await lastAudit())).toMatchObject({ action: 'admin.notices.list', outcome: 'success' });
});

test('a maintenance notice takes the seed\'s regular window by month, or any window given', async () => {
  const regular = await call('POST', '/notices', {
    kind: 'maintenance', title: '定期メンテナンスのお知らせ', body: '毎月第3木曜日の19時～22時は、定期メンテナンスのため、システムを停止いたします。',
    window: { month: '2032-01' }, publishFrom: '2031-12-01T00:00:00+09:00',
  });
  expect(regular.status).toBe(201);
  // 2032-01-01 is a Thursday: the third Thursday is the 15th.
  expect(regular.body.window).toEqual({ start: '2032-01-15T10:00:00.000Z', end: '2032-01-15T13:00:00.000Z' });
  expect(regular.body.state).toBe('scheduled');
  const special = await call('POST', '/notices', {
    kind: 'maintenance', audience: 'insured', title: '臨時メンテナンス', body: '臨時メンテナンスを行います。',
    window: { start: '2032-02-01T01:00:00+09:00', end: '2032-02-01T05:00:00+09:00' }, publishTo: '2032-02-02T00:00:00+09:00',
  });
  expect(special.body).toMatchObject({ audience: 'insured', window: { start: '2032-01-31T16:00:00.000Z', end: '2032-01-31T20:00:00.000Z' }, publishTo: '2032-02-01T15:00:00.000Z' });
});

test('what is wrong is said field by field, in English or (Accept-Language: ja) Japanese, and audited as a failure', async () => {
  const bad = await call('POST', '/notices', {
    kind: 'maintenance', audience: 'family', title: 'x'.repeat(101), body: '', publishFrom: 'tomorrow', colour: 'red',
  });
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('validation_failed');
  expect(fieldsAtFault(bad.body)).toEqual(expect.arrayContaining([
    { field: 'audience', message: 'must be one of: all, insured, dependants' },
    { field: 'title', message: 'must be at most 100 characters' },
    { field: 'body', message: 'is required' },
    { field: 'publishFrom', message: 'must be an ISO 8601 date and time with a time zone (e.g. 2025-12-18T19:00:00+09:00)' },
    { field: '(body)', message: 'unknown fields: colour' },
  ]));
  expect(await lastAudit()).toMatchObject({ action: 'admin.notices.create', outcome: 'failure', target: null });

  const rules: Array<[unknown, string, string]> = [
    [{ kind: 'maintenance', title: 't', body: 'b' }, 'window', 'メンテナンスのお知らせには必須です'],
    [{ kind: 'news', title: 't', body: 'b', window: { month: '2026-01' } }, 'window', 'kind が maintenance のお知らせにだけ指定できます'],
    [{ kind: 'maintenance', title: 't', body: 'b', window: { start: '2026-01-15T22:00:00+09:00', end: '2026-01-15T19:00:00+09:00' } }, 'window.end', '開始日時より後にしてください'],
    [{ kind: 'maintenance', title: 't', body: 'b', window: { month: '2026-01', start: '2026-01-15T19:00:00+09:00' } }, 'window', '{ "start", "end" } か { "month" } のどちらか一方を指定してください'],
    [{ kind: 'maintenance', title: 't', body: 'b', window: { month: '2026-13' } }, 'window.month', 'YYYY-MM 形式の年月にしてください（例: 2025-12）'],
    [{ title: 't', body: 'b', publishFrom: '2026-01-02T00:00:00Z', publishTo: '2026-01-01T00:00:00Z' }, 'publishTo', '掲載開始日時（publishFrom）より後にしてください'],
    [{ title: '一行目\n二行目', body: 'b' }, 'title', '改行や制御文字を含まない1行にしてください'],
    [{ title: 't', body: 'ベル\u0007' }, 'body', '改行とタブ以外の制御文字は使えません'],
    [{ title: 't', body: 'b'.repeat(10_001) }, 'body', '10000文字以内にしてください'],
  ];
  for (const [input, field, message] of rules) {
    const response = await call('POST', '/notices', input, { headers: { 'accept-language': 'ja' } });
    expect([field, response.status]).toEqual([field, 400]);
    expect(fieldsAtFault(response.body)).toEqual([{ field, message }]);
  }
  const count = (await call('GET', '/notices?limit=500')).body.notices.length;
  expect(count).toBe(3); // only the notices of the tests before were created
});

test('a notice is changed field by field; clearing its end, turning maintenance into news drops the window', async () => {
  const { body: created } = await call('POST', '/notices', {
    kind: 'maintenance', title: '元のタイトル', body: '本文', window: { month: '2032-03' }, publishTo: '2032-04-01T00:00:00+09:00',
  });
  const renamed = await call('PATCH', `/notices/${created.id}`, { title: '新しいタイトル', publishTo: null });
  expect(renamed.status).toBe(200);
  expect(renamed.body).toMatchObject({ title: '新しいタイトル', body: '本文', publishTo: null, kind: 'maintenance', window: created.window });
  expect(await lastAudit()).toMatchObject({ action: 'admin.notices.update', target: `notice:${created.id}`, detail: expect.objectContaining({ changed: ['publishTo', 'title'] }) });

  const news = await call('PATCH', `/notices/${created.id}`, { kind: 'news' });
  expect(news.body).toMatchObject({ kind: 'news', window: null });
  const backWithout = await call('PATCH', `/notices/${created.id}`, { kind: 'maintenance' });
  expect(backWithout.status).toBe(400);
  expect(fieldsAtFault(backWithout.body)).toEqual([{ field: 'window', message: 'is required for a maintenance notice' }]);

  expect((await call('PATCH', `/notices/${created.id}`, {})).status).toBe(400);
  expect((await call('PATCH', `/notices/${created.id}`, { publishFrom: '2033-01-01T00:00:00Z' })).body.state).toBe('scheduled');
});

test('withdrawing keeps the notice for the record: listed as withdrawn, no longer changeable, audited', async () => {
  const { body: created } = await call('POST', '/notices', { title: '取り下げるお知らせ', body: '誤って掲載しました。' });
  const withdrawn = await call('DELETE', `/notices/${created.id}`);
  expect(withdrawn.status).toBe(200);
  expect(withdrawn.body).toMatchObject({ id: created.id, state: 'withdrawn', withdrawnBy: stack.unions.alpha.admin.clientId });
  expect(await lastAudit()).toMatchObject({ action: 'admin.notices.withdraw', target: `notice:${created.id}`, outcome: 'success' });

  // Withdrawing again changes nothing: the first withdrawal is the one on record.
  expect((await call('DELETE', `/notices/${created.id}`)).body.withdrawnAt).toBe(withdrawn.body.withdrawnAt);
  const patch = await call('PATCH', `/notices/${created.id}`, { title: 'やっぱり' });
  expect(patch).toMatchObject({ status: 409, body: { error: { code: 'withdrawn', message: 'A withdrawn notice cannot be changed.' } } });
  expect((await call('GET', `/notices/${created.id}`)).body).toMatchObject({ title: '取り下げるお知らせ', state: 'withdrawn' });

  const { body: { notices } } = await call('GET', '/notices?state=withdrawn');
  expect(notices.map((n: Json) => n.id)).toEqual([created.id]);
  expect((await call('GET', '/notices?state=gone')).status).toBe(400);
});

test('ids that are not there, or another union\'s, are 404; another union\'s token is 401', async () => {
  const { body: created } = await call('POST', '/notices', { title: 'アルファのお知らせ', body: '本文' });
  const betaToken = await portalAdminToken(stack.unions.beta);
  for (const path of ['/notices/999999', '/notices/abc', '/notices/0', '/notices/99999999999999999999']) {
    expect([path, (await call('GET', path)).status]).toEqual([path, 404]);
  }
  expect((await call('GET', `/notices/${created.id}`, undefined, { slug: 'beta', token: betaToken })).status).toBe(404);
  expect((await call('DELETE', `/notices/${created.id}`, undefined, { slug: 'beta', token: betaToken })).status).toBe(404);
  expect((await call('GET', `/notices/${created.id}`, undefined, { token: betaToken })).status).toBe(401);
  expect((await call('GET', `/notices/${created.id}`)).body.state).toBe('published');
});

test('the OpenAPI document describes the notices and the regular window', async () => {
  const doc = await (await fetch(`${stack.portalUrl}/u/alpha/admin/openapi.json`)).json() as Json;
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/notices', '/notices/{id}']));
  expect(Object.keys(doc.paths['/notices/{id}'])).toEqual(['get', 'patch', 'delete']);
  expect(doc.components.schemas).toHaveProperty('Notice');
  expect(doc.paths['/notices'].post.description).toContain('third Thursday of every month, 19:00–22:00 Japan time');
});
