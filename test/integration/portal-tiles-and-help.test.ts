import { listAudit } from '../../audit/audit-log.js';
import { defaultHelp } from '../../portal/help/default-help.js';
import { HttpAgent, passwordLogin, textOf } from '../helpers/http-agent.js';
import { createMemberWithLogin, portalAdminToken, startStack, type TestStack } from '../helpers/stack.js';

/**
 * What a union configures for its members' pages through the portal admin API: the top page's
 * service tiles and its own ご利用案内・よくある質問. Only safe links get in, text stays text, and
 * members see the result at once (SQLite and PostgreSQL alike).
 */
let stack: TestStack;
let alphaToken: string;
const member = new HttpAgent();

beforeAll(async () => {
  stack = await startStack({ policy: { mfa: { required: false } } });
  alphaToken = await portalAdminToken(stack.unions.alpha);
  await createMemberWithLogin(stack, 'alpha', { userId: 'tile-reader', password: 'tile-reader-1' }, { nameKanji: '磯野 波平' });
  await passwordLogin(member, `${stack.portalUrl}/u/alpha/`, 'tile-reader', 'tile-reader-1');
});
afterAll(async () => { await stack.close(); });

type Json = Record<string, unknown>;
interface ApiAnswer { status: number; body: Json }

async function api(method: string, path: string, body?: unknown, options: { token?: string; slug?: string; lang?: string } = {}): Promise<ApiAnswer> {
  const response = await fetch(`${stack.portalUrl}/u/${options.slug ?? 'alpha'}/admin/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.token ?? alphaToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.lang ? { 'accept-language': options.lang } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: response.status === 204 ? {} : await response.json() as Json };
}

/** The fields a 400 answer names, with their messages. */
const problems = (answer: ApiAnswer) => ((answer.body.error as Json).details as Array<{ field: string; message: string }>);
const fieldsOf = (answer: ApiAnswer) => problems(answer).map((d) => d.field).sort();

const page = async (path: string) => member.follow(`${stack.portalUrl}/u/alpha${path}`);
/** The tiles of the top page as "label | href" (the built-in 医療費情報 first). */
const tilesOn = (html: string) => [.../<ul class="tiles">([\s\S]*?)<\/ul>/.exec(html)![1].matchAll(/<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g)]
  .map((m) => `${m[2]} | ${m[1]}`);
/** The page's text as a reader sees it (numeric character references too). */
const readable = (html: string) => textOf(html).replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

const checkup = {
  id: 'health-checkup', labelJa: '人間ドック等予約', labelEn: 'Health checkup booking',
  descriptionJa: '人間ドックや健診の予約', descriptionEn: 'Book a health checkup', url: 'https://booking.example.jp/alpha?from=portal',
};
const results = { id: 'checkup-results', labelJa: '<b>健診結果</b>照会', url: '/u/alpha/results' };

test('a union sets its tiles; members see 医療費情報 first, then the tiles in order, in their language, markup as text', async () => {
  expect(await api('GET', '/tiles')).toEqual({ status: 200, body: { tiles: [] } });
  const empty = await page('/');
  expect(tilesOn(empty.html)).toEqual(['医療費情報 | /u/alpha/medical/']);
  expect(textOf(empty.html)).toContain('ご加入の健康保険組合のほかのサービスは、準備ができしだい、ここに表示されます。');

  const saved = await api('PUT', '/tiles', { tiles: [checkup, results] });
  expect(saved).toEqual({ status: 200, body: { tiles: [checkup, { ...results, labelEn: null, descriptionJa: null, descriptionEn: null }] } });
  expect((await api('GET', '/tiles')).body).toEqual(saved.body);

  const home = await page('/');
  expect(tilesOn(home.html)).toEqual([
    '医療費情報 | /u/alpha/medical/',
    '人間ドック等予約 | https://booking.example.jp/alpha?from=portal',
    '&lt;b&gt;健診結果&lt;/b&gt;照会 | /u/alpha/results',
  ]);
  expect(home.html).not.toContain('<b>健診結果');
  expect(textOf(home.html)).toContain('人間ドックや健診の予約');
  expect(textOf(home.html)).not.toContain('ほかのサービスは');

  // English: the English label where there is one; the Japanese one otherwise, marked as Japanese.
  const english = await page('/?lang=en');
  expect(tilesOn(english.html)).toEqual([
    'Medical expenses | /u/alpha/medical/',
    'Health checkup booking | https://booking.example.jp/alpha?from=portal',
    '&lt;b&gt;健診結果&lt;/b&gt;照会 | /u/alpha/results',
  ]);
  expect(english.html).toContain('<a href="/u/alpha/results" lang="ja">');
  expect(textOf(english.html)).toContain('Book a health checkup');
  await page('/?lang=ja');

  const entry = (await listAudit(stack.portalDatabase.db, 'alpha', { limit: 10 })).find((e) => e.action === 'admin.tiles.replace');
  expect(entry).toMatchObject({ action: 'admin.tiles.replace', outcome: 'success', detail: { count: 2, ids: ['health-checkup', 'checkup-results'], status: 200 } });

  // An empty list leaves 医療費情報 alone again; other unions never saw alpha's tiles.
  expect((await api('PUT', '/tiles', { tiles: [] })).body).toEqual({ tiles: [] });
  expect(tilesOn((await page('/')).html)).toEqual(['医療費情報 | /u/alpha/medical/']);
  expect((await api('PUT', '/tiles', { tiles: [checkup] })).status).toBe(200);
  const beta = await api('GET', '/tiles', undefined, { slug: 'beta', token: await portalAdminToken(stack.unions.beta) });
  expect(beta).toEqual({ status: 200, body: { tiles: [] } });
});

test('tiles that would lead anywhere but https or this site, too many tiles, and malformed texts are refused, and nothing changes', async () => {
  expect((await api('PUT', '/tiles', { tiles: [checkup] })).status).toBe(200);
  const tile = (id: string, url: string) => ({ id, labelJa: 'リンク', url });
  const badUrls = [
    'javascript:alert(document.cookie)', 'JavaScript:alert(1)', 'http://booking.example.jp/', 'data:text/html,<script>alert(1)</script>',
    '//evil.example/', '/\\evil.example/', 'https://user:secret@booking.example.jp/', ' https://booking.example.jp/', 'https://', 'booking.example.jp',
    'vbscript:msgbox(1)', '/u/alpha/\nSet-Cookie: x=1',
  ];
  const refused = await api('PUT', '/tiles', { tiles: badUrls.map((url, i) => tile(`t${i}`, url)) });
  expect(refused.status).toBe(400);
  expect(fieldsOf(refused)).toEqual(badUrls.map((_, i) => `tiles.${i}.url`).sort());
  expect(new Set(problems(refused).map((p) => p.message))).toEqual(new Set(['must be an https:// URL or a portal path starting with one "/" (no http:, javascript: or //host)']));

  const tooMany = await api('PUT', '/tiles', { tiles: Array.from({ length: 13 }, (_, i) => tile(`t${i}`, `/u/alpha/t${i}`)) });
  expect(tooMany.status).toBe(400);
  expect(problems(tooMany)).toEqual([{ field: 'tiles', message: 'must hold at most 12 tiles' }]);
  expect((await api('PUT', '/tiles', { tiles: Array.from({ length: 12 }, (_, i) => tile(`t${i}`, `/u/alpha/t${i}`)) })).status).toBe(200);
  expect((await api('PUT', '/tiles', { tiles: [checkup] })).status).toBe(200);

  const malformed = await api('PUT', '/tiles', {
    tiles: [
      { id: 'Bad_Id', labelJa: '予約', url: '/u/alpha/a' },
      { id: 'two-lines', labelJa: '予約\n受付', url: '/u/alpha/b' },
      { id: 'two-lines', labelJa: '   ', labelEn: 'x'.repeat(41), descriptionJa: 'あ'.repeat(101), url: '/u/alpha/c', colour: 'red' },
    ],
  }, { lang: 'ja' });
  expect(malformed.status).toBe(400);
  expect(problems(malformed)).toEqual(expect.arrayContaining([
    { field: 'tiles.0.id', message: '半角英小文字・数字を1つのハイフンでつないだ形にしてください（例: health-checkup）' },
    { field: 'tiles.1.labelJa', message: '改行や制御文字を含まない1行の文字列にしてください' },
    { field: 'tiles.2.labelJa', message: '必須です' },
    { field: 'tiles.2.labelEn', message: '40文字以内にしてください' },
    { field: 'tiles.2.descriptionJa', message: '100文字以内にしてください' },
    { field: 'tiles.2', message: '不明な項目です: colour' },
  ]));
  const duplicate = await api('PUT', '/tiles', { tiles: [tile('same', '/u/alpha/a'), tile('same', '/u/alpha/b')] });
  expect(problems(duplicate)).toEqual([{ field: 'tiles.1.id', message: 'is already used by an earlier item; ids must be unique in the list' }]);
  expect((await api('PUT', '/tiles', [checkup])).status).toBe(400);

  // Every refusal left the list as it was, and was audited as a failure.
  expect((await api('GET', '/tiles')).body).toEqual({ tiles: [checkup] });
  const failures = (await listAudit(stack.portalDatabase.db, 'alpha', { limit: 20 })).filter((e) => e.action === 'admin.tiles.replace' && e.outcome === 'failure');
  expect(failures.length).toBeGreaterThanOrEqual(4);
});

test('a union replaces its FAQ in one language; members read it and find it by search; DELETE brings the defaults back', async () => {
  const defaults = await api('GET', '/help/faq?locale=ja');
  expect(defaults.status).toBe(200);
  expect(defaults.body).toMatchObject({ kind: 'faq', locale: 'ja', isDefault: true });
  expect((defaults.body.articles as Json[]).map((a) => a.id)).toEqual(defaultHelp('alpha', 'ja').faq.map((a) => a.id));

  const faq = [
    { id: 'office-hours', title: '窓口の受付時間は？', body: '平日9時〜17時です。<script>alert(1)</script>\r\n\r\n- 詳しくは https://alpha.example.jp/contact をご覧ください。' },
    { id: 'card-lost', title: '保険証をなくしました', body: '健康保険組合へご連絡ください。' },
  ];
  const saved = await api('PUT', '/help/faq?locale=ja', { articles: faq });
  expect(saved.status).toBe(200);
  expect(saved.body).toEqual({
    kind: 'faq', locale: 'ja', isDefault: false,
    articles: [{ ...faq[0], body: faq[0].body.replace(/\r\n/g, '\n') }, faq[1]],
  });

  const faqPage = await page('/faq');
  expect([...faqPage.html.matchAll(/<details class="faq" id="([^"]+)"/g)].map((m) => m[1])).toEqual(['faq-office-hours', 'faq-card-lost']);
  expect(readable(faqPage.html)).toContain('平日9時〜17時です。<script>alert(1)</script>');
  expect(faqPage.html).not.toContain('<script>alert(1)');
  expect(faqPage.html).toContain('<a href="https://alpha.example.jp/contact" rel="noopener noreferrer">');
  const found = await page(`/faq?q=${encodeURIComponent('受付時間')}`);
  expect(textOf(found.html)).toContain('「受付時間」に該当する質問は1件です。');
  // The guide and the English FAQ are still the defaults.
  expect(textOf((await page('/help')).html)).toContain(defaultHelp('alpha', 'ja').guide[0].title);
  expect((await api('GET', '/help/faq?locale=en')).body).toMatchObject({ isDefault: true });
  expect(textOf((await page('/faq?lang=en')).html)).toContain(defaultHelp('alpha', 'en').faq[0].title);
  await page('/?lang=ja');

  const reset = await api('DELETE', '/help/faq?locale=ja');
  expect(reset).toEqual({ status: 200, body: defaults.body });
  expect(textOf((await page('/faq')).html)).toContain(defaultHelp('alpha', 'ja').faq[0].title);
  const audit = (await listAudit(stack.portalDatabase.db, 'alpha', { limit: 20 })).filter((e) => e.target === 'help:faq:ja').map((e) => [e.action, e.detail]);
  expect(audit).toEqual(expect.arrayContaining([
    ['admin.help.replace', { count: 2, ids: ['office-hours', 'card-lost'], status: 200 }],
    ['admin.help.reset', { deleted: true, status: 200 }],
  ]));
});

test('a union writes its guide in English; the Japanese guide stays the default', async () => {
  const guide = [{ id: 'welcome', title: 'Welcome to the Alpha portal', body: 'See /u/alpha/medical/ for your medical expenses.' }];
  expect((await api('PUT', '/help/guide?locale=en', { articles: guide })).body).toMatchObject({ isDefault: false, articles: guide });
  const english = await page('/help?lang=en');
  expect(textOf(english.html)).toContain('Welcome to the Alpha portal');
  expect(english.html).toContain('<a href="/u/alpha/medical/">');
  expect(textOf((await page('/help?lang=ja')).html)).toContain(defaultHelp('alpha', 'ja').guide[0].title);
  expect((await api('DELETE', '/help/guide?locale=en')).body).toMatchObject({ isDefault: true });
  expect((await api('DELETE', '/help/guide?locale=en')).body).toMatchObject({ isDefault: true });
});

test('help articles are checked: kind, language, ids, one-line titles, plain-text bodies of at most 10,000 characters', async () => {
  expect((await api('GET', '/help/news?locale=ja')).status).toBe(404);
  const noLocale = await api('GET', '/help/faq');
  expect([noLocale.status, fieldsOf(noLocale)]).toEqual([400, ['locale']]);
  expect(fieldsOf(await api('PUT', '/help/faq?locale=fr', { articles: [{ id: 'a', title: 'a', body: 'a' }] }))).toEqual(['locale']);

  const none = await api('PUT', '/help/faq?locale=ja', { articles: [] });
  expect(problems(none)).toEqual([{ field: 'articles', message: 'must hold at least one article; DELETE returns to the default content' }]);

  const bad = await api('PUT', '/help/faq?locale=ja', {
    articles: [
      { id: '-leading', title: 'ok', body: 'ok' },
      { id: 'a'.repeat(41), title: 'ok', body: 'ok' },
      { id: 'title-break', title: '一行目\n二行目', body: 'ok' },
      { id: 'long-title', title: 'あ'.repeat(101), body: 'ok' },
      { id: 'long-body', title: 'ok', body: 'あ'.repeat(10_001) },
      { id: 'bell', title: 'ok', body: 'ベル\u0007です' },
      { id: 'bell', title: 'ok', body: '  ' },
    ],
  });
  expect(bad.status).toBe(400);
  expect(problems(bad)).toEqual(expect.arrayContaining([
    { field: 'articles.0.id', message: 'must be lower-case letters and digits joined by single hyphens (e.g. health-checkup)' },
    { field: 'articles.1.id', message: 'must be at most 40 characters' },
    { field: 'articles.2.title', message: 'must be one line, without line breaks or control characters' },
    { field: 'articles.3.title', message: 'must be at most 100 characters' },
    { field: 'articles.4.body', message: 'must be at most 10000 characters' },
    { field: 'articles.5.body', message: 'must not contain control characters (line breaks and tabs are fine)' },
    { field: 'articles.6.body', message: 'is required' },
    { field: 'articles.6.id', message: 'is already used by an earlier item; ids must be unique in the list' },
  ]));
  // A body of exactly 10,000 characters is fine; nothing of the refused lists was stored.
  expect((await api('GET', '/help/faq?locale=ja')).body).toMatchObject({ isDefault: true });
  const full = await api('PUT', '/help/faq?locale=ja', { articles: [{ id: 'long', title: '長い回答', body: 'あ'.repeat(10_000) }] });
  expect(full.status).toBe(200);
  expect((await api('DELETE', '/help/faq?locale=ja')).status).toBe(200);
});

test('the OpenAPI document describes tiles and help', async () => {
  const doc = await (await fetch(`${stack.portalUrl}/u/alpha/admin/openapi.json`)).json() as { paths: Record<string, Json>; components: { schemas: Record<string, unknown> } };
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/tiles', '/help/{kind}']));
  expect(Object.keys(doc.paths['/tiles'])).toEqual(['get', 'put']);
  expect(Object.keys(doc.paths['/help/{kind}'])).toEqual(['parameters', 'get', 'put', 'delete']);
  expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Tiles', 'Tile', 'HelpArticle', 'HelpArticles', 'HelpContent']));
});
