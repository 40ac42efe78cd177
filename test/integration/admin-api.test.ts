import { loginWithPassword } from '../../idp/accounts/password-login.js';
import { findUnion } from '../../idp/unions/union-repository.js';
import { adminToken, memberRecord, startStack, type TestStack, type TestUnion } from '../helpers/stack.js';

let stack: TestStack;
let alpha: TestUnion;
let token: string;

beforeAll(async () => {
  stack = await startStack();
  alpha = stack.unions.alpha;
  token = await adminToken(alpha);
});
afterAll(() => stack?.close());

async function call(union: TestUnion, method: string, path: string, options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${union.issuer}/admin/v1${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined || options.raw !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  return { status: response.status, body: await response.json() as Record<string, any> };
}

describe('authentication', () => {
  test('refuses calls without a token, with a made-up token, and with another union\'s token', async () => {
    expect(await call(alpha, 'GET', '/audit')).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(await call(alpha, 'GET', '/audit', { token: 'made-up' })).toMatchObject({ status: 401, body: { error: { code: 'invalid_token' } } });
    const betaToken = await adminToken(stack.unions.beta);
    expect((await call(alpha, 'GET', '/audit', { token: betaToken })).status).toBe(401);
    expect((await call(stack.unions.beta, 'GET', '/audit', { token: betaToken })).status).toBe(200);
  });

  test('a union\'s admin client cannot be used at another union\'s token endpoint', async () => {
    const response = await fetch(`${stack.unions.beta.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${alpha.admin.clientId}:${alpha.admin.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'admin' }),
    });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toBe('invalid_client');
  });

  test('the portal client cannot obtain an admin token', async () => {
    const response = await fetch(`${alpha.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${alpha.portal.clientId}:${alpha.portal.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'admin' }),
    });
    expect(response.status).toBe(400);
  });
});

describe('messages', () => {
  const invalidMember = () => ({ ...memberRecord(alpha), birthdate: '19790231', nameKana: 'yamada', relation: '他人', extra: 1 });
  const byField = (body: Record<string, any>) => Object.fromEntries(body.error.details.map((d: { field: string; message: string }) => [d.field, d.message]));

  test('are English for a program that asks for nothing in particular, whatever went wrong', async () => {
    const invalid = await call(alpha, 'POST', '/members', { token, body: invalidMember() });
    expect(invalid.body.error.message).toBe('The request has invalid fields; see details.');
    expect(byField(invalid.body)).toEqual({
      birthdate: 'must be a past date as YYYYMMDD or YYYY-MM-DD',
      nameKana: 'must be full-width katakana',
      relation: 'must be one of: 本人, 家族',
      '(body)': 'unknown fields: extra',
    });
    const other = await call(alpha, 'POST', '/members', { token, body: memberRecord(stack.unions.beta), headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(byField(other.body)).toEqual({ insurerNumber: `must be this union's insurer number ${alpha.insurerNumber}` });
    expect((await call(alpha, 'GET', '/members/00000000-0000-4000-8000-000000000000', { token })).body.error)
      .toEqual({ code: 'not_found', message: 'Member not found.' });
    expect((await call(alpha, 'GET', '/audit')).body.error).toEqual({ code: 'unauthorized', message: 'A Bearer access token is required.' });
    expect((await call(alpha, 'POST', '/members', { token, raw: '{"nope' })).body.error.message).toBe('The request body is not valid JSON.');
  });

  test('are Japanese for a client that asks for Japanese; codes and fields stay the same', async () => {
    const invalid = await call(alpha, 'POST', '/members', { token, body: invalidMember(), headers: { 'accept-language': 'ja' } });
    expect(invalid.body.error).toMatchObject({ code: 'validation_failed', message: 'リクエストに不正な項目があります。detailsをご確認ください。' });
    expect(byField(invalid.body)).toMatchObject({ nameKana: '全角カタカナで入力してください。' });
    expect((await call(alpha, 'GET', '/audit', { headers: { 'accept-language': 'ja-JP' } })).body.error)
      .toEqual({ code: 'unauthorized', message: 'Bearerアクセストークンが必要です。' });
  });
});

describe('member records', () => {
  test('creates a member, then updates it when the same card is sent again', async () => {
    const record = memberRecord(alpha, { birthdate: '19790822' });
    const created = await call(alpha, 'POST', '/members', { token, body: record });
    expect(created).toMatchObject({ status: 201, body: { created: true } });
    const updated = await call(alpha, 'POST', '/members', { token, body: { ...record, nameKanji: '試験 はな子' } });
    expect(updated).toMatchObject({ status: 200, body: { id: created.body.id, created: false } });
    const read = await call(alpha, 'GET', `/members/${created.body.id}`, { token });
    expect(read.body).toMatchObject({ nameKanji: '試験 はな子', birthdate: '1979-08-22', account: null });
  });

  test('explains every invalid field and writes nothing', async () => {
    const before = await stack.database.db('members').count({ n: '*' }).first();
    const result = await call(alpha, 'POST', '/members', {
      token, body: { ...memberRecord(alpha), birthdate: '19790231', nameKana: 'yamada', relation: '他人', extra: 1 },
    });
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('validation_failed');
    const fields = result.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['birthdate', 'nameKana', 'relation']));
    expect(await stack.database.db('members').count({ n: '*' }).first()).toEqual(before);
  });

  test('refuses a member of another insurer', async () => {
    const result = await call(alpha, 'POST', '/members', { token, body: memberRecord(stack.unions.beta) });
    expect(result).toMatchObject({ status: 400, body: { error: { details: [{ field: 'insurerNumber' }] } } });
  });

  test('a bulk import with one bad row imports nothing and names the row', async () => {
    const before = await stack.database.db('members').count({ n: '*' }).first();
    const members = [memberRecord(alpha), memberRecord(alpha), { ...memberRecord(alpha), kigo: 'a b' }];
    const result = await call(alpha, 'POST', '/members/import', { token, body: { members } });
    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([expect.objectContaining({ field: 'members.2.kigo' })]);
    expect(await stack.database.db('members').count({ n: '*' }).first()).toEqual(before);

    const ok = await call(alpha, 'POST', '/members/import', { token, body: { members: members.slice(0, 2) } });
    expect(ok).toMatchObject({ status: 200, body: { created: 2, updated: 0 } });
  });

  test('malformed JSON and oversized bodies get clear errors', async () => {
    expect(await call(alpha, 'POST', '/members', { token, raw: '{"nope' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } });
    const huge = JSON.stringify({ members: Array.from({ length: 20_000 }, () => memberRecord(alpha)) });
    expect(await call(alpha, 'POST', '/members/import', { token, raw: huge })).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
  });
});

describe('temporary credentials', () => {
  test('are returned once, work for login, and a reissue invalidates the previous pair', async () => {
    const { body: member } = await call(alpha, 'POST', '/members', { token, body: memberRecord(alpha) });
    const first = await call(alpha, 'POST', `/members/${member.id}/temporary-credentials`, { token });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ temporaryUserId: expect.stringMatching(/^t\d{10}$/), temporaryPassword: expect.any(String) });
    const stored = await stack.database.db('temporary_credentials').where({ login_id: first.body.temporaryUserId }).first();
    expect(stored.password_hash).not.toContain(first.body.temporaryPassword);

    const union = (await findUnion(stack.database.db, 'alpha'))!;
    const login = (c: { temporaryUserId: string; temporaryPassword: string }) =>
      loginWithPassword({ db: stack.database.db, mailer: stack.idp.mailer }, union, { loginId: c.temporaryUserId, password: c.temporaryPassword, ip: '127.0.0.1' });
    expect(await login(first.body as never)).toMatchObject({ ok: true, temporary: true });

    const second = await call(alpha, 'POST', `/members/${member.id}/temporary-credentials`, { token });
    expect(second.body.accountId).toBe(first.body.accountId);
    expect(await login(first.body as never)).toEqual({ ok: false, reason: 'invalid' });
    expect(await login(second.body as never)).toMatchObject({ ok: true });
  });

  test('an unknown member is a 404, not a 500', async () => {
    expect((await call(alpha, 'POST', '/members/00000000-0000-4000-8000-000000000000/temporary-credentials', { token })).status).toBe(404);
    expect((await call(alpha, 'POST', '/members/not-a-uuid/temporary-credentials', { token })).status).toBe(404);
  });

  test('a member of union B cannot be reached through union A', async () => {
    const betaToken = await adminToken(stack.unions.beta);
    const { body: betaMember } = await call(stack.unions.beta, 'POST', '/members', { token: betaToken, body: memberRecord(stack.unions.beta) });
    expect((await call(alpha, 'GET', `/members/${betaMember.id}`, { token })).status).toBe(404);
    expect((await call(alpha, 'POST', `/members/${betaMember.id}/temporary-credentials`, { token })).status).toBe(404);
  });
});

test('every call is audited with actor, target, time and outcome', async () => {
  const { body: member } = await call(alpha, 'POST', '/members', { token, body: memberRecord(alpha) });
  await call(alpha, 'GET', '/audit');
  const { body } = await call(alpha, 'GET', `/audit?target=${member.id}`, { token });
  expect(body.entries[0]).toMatchObject({
    actor: `admin:${alpha.admin.clientId}`, action: 'admin.member.upsert', target: member.id, outcome: 'success', at: expect.any(Number),
  });
  const recent = await call(alpha, 'GET', '/audit?limit=5', { token });
  expect(recent.body.entries).toEqual(expect.arrayContaining([expect.objectContaining({ actor: 'anonymous', outcome: 'denied' })]));
});

test('publishes an OpenAPI document', async () => {
  const response = await fetch(`${alpha.issuer}/admin/openapi.json`);
  const doc = await response.json();
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/members', '/members/{memberId}/temporary-credentials', '/accounts/{accountId}/unlock']));
});
