import type { ParsedMail } from 'mailparser';
import { openDatabase, type Database } from '../../migrations/database.js';
import { createMailer } from '../../mail/mailer.js';
import type { PortalMailConfig, PortalUnion } from '../../portal/config.js';
import type { ClaimRecord } from '../../portal/medical/claims-csv.js';
import { importClaims } from '../../portal/medical/claims-import.js';
import { generateClaims, type DemoPerson } from '../../portal/medical/demo-claims.js';
import type { Relation } from '../../portal/medical/model.js';
import { recordMemberLogin } from '../../portal/members/portal-members.js';
import { findNotificationSend, listNotificationSends } from '../../portal/notifications/notification-sends.js';
import { saveNotificationSettings, DEFAULT_NOTIFICATION_SETTINGS } from '../../portal/notifications/notification-settings.js';
import { createNotificationWorker, type NotificationWorker } from '../../portal/notifications/notification-worker.js';
import { queueNotification, type NotificationRequest } from '../../portal/notifications/outbox.js';
import { addUnionReply, createMessage } from '../../portal/messages/message-repository.js';
import { createNotice, updateNotice, withdrawNotice, type NoticeFields } from '../../portal/notices/notice-repository.js';
import { createPortalTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startMailCapture, type MailAnswer, type MailCapture } from '../helpers/smtp.js';

/**
 * Notification mails through the outbox, on the database KENPO_TEST_DB names: who gets one (members
 * of the audience with an e-mail and the kind switched on, once per address), what it says (that
 * something is new, where to look; nothing of the data), and how sending behaves when the SMTP
 * server refuses, when two workers compete, and at the configured pace.
 */
const BASE_URL = 'https://portal.example.jp';
const INSURER = '06130088';
const union = (slug: string, name: string): PortalUnion => ({
  slug, name, issuer: `https://idp.example.jp/u/${slug}`, clientId: 'portal', clientSecret: 'secret', insurerNumber: INSURER,
  infoMail: `info@${slug}.kenpo.example.jp`,
});
const MEDICAL = union('medical', 'メディカル健康保険組合');
const NEWS = union('news', 'ニュース健康保険組合');
const RETRY = union('retry', 'リトライ健康保険組合');
const RATE = union('rate', 'レート健康保険組合');
const RACE = union('race', 'レース健康保険組合');
const UNIONS = [MEDICAL, NEWS, RETRY, RATE, RACE];
const FAST: PortalMailConfig = { mailDir: '', ratePerSecond: 100, maxAttempts: 3, retryBaseMs: 50, leaseMs: 10_000 };

let database: TestDatabase;
let capture: MailCapture;
/** What the SMTP server answers; a test may replace it (reset after each). */
let answer: (mail: ParsedMail, to: string[]) => MailAnswer = () => 'accept';
const workers: NotificationWorker[] = [];

beforeAll(async () => {
  database = await createPortalTestDatabase();
  capture = await startMailCapture({ answer: (mail, to) => answer(mail, to) });
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  answer = () => 'accept';
});
afterAll(async () => {
  await capture?.close();
  await database?.drop();
});

function startWorker(options: { db?: Database; mail?: Partial<PortalMailConfig> } = {}): NotificationWorker {
  const worker = createNotificationWorker({
    db: options.db ?? database.db, unions: UNIONS, baseUrl: BASE_URL,
    mailer: createMailer({ smtpUrl: capture.url, mailDir: '', timeoutMs: 10_000 }),
    mail: { ...FAST, ...options.mail },
  });
  workers.push(worker);
  worker.start();
  return worker;
}

interface Person { sub: string; name: string; email?: string; locale?: string; kigo: string; bango: string; edaban: string; relation: Relation }

const login = (unionSlug: string, p: Person) => recordMemberLogin(database.db, {
  unionSlug, sub: p.sub, name: p.name, email: p.email, locale: p.locale,
  household: { insurer_number: INSURER, kigo: p.kigo, bango: p.bango, edaban: p.edaban, relation: p.relation },
});

const recipientsOf = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : [m.to]).flatMap((a) => a?.value ?? []).map((v) => v.address!.toLowerCase());
const mailsTo = (address: string) => capture.messages.filter((m) => recipientsOf(m).includes(address.toLowerCase()));

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the batch is expanded and none of its mails is pending; returns its progress. */
const settled = (unionSlug: string, batchId: number) => until(`batch ${batchId} to settle`, async () => {
  const send = await findNotificationSend(database.db, unionSlug, batchId);
  return send?.state === 'done' ? send : undefined;
});

const queue = (request: NotificationRequest) => database.db.transaction((trx) => queueNotification(trx, request));

const latestBatchId = async (unionSlug: string) => (await listNotificationSends(database.db, unionSlug, { limit: 1 }))[0]?.id;

const PERIOD = { from: '2024-01', to: '2024-06' };
const claimsOf = (kigo: string, bango: string, people: DemoPerson[]): ClaimRecord[] =>
  generateClaims({ insurerNumber: INSURER, kigo, bango, people }, PERIOD, 'notify');

test('an import mails each member of a household with new claims once, in their language, from info@, saying nothing of the claims', async () => {
  const family = { kigo: '501', bango: '1001' };
  const people: DemoPerson[] = [
    { edaban: '00', name: '通知 太郎', relation: '本人', birthYear: 1950 },
    { edaban: '01', name: '通知 花子', relation: '家族', birthYear: 1952 },
    { edaban: '02', name: '通知 次郎', relation: '家族', birthYear: 1985 },
    { edaban: '03', name: '通知 三郎', relation: '家族', birthYear: 1988 },
  ];
  const members: Person[] = [
    { sub: 'm-taro', name: '通知 太郎', email: 'taro@mail.example.jp', ...family, edaban: '00', relation: '本人' },
    { sub: 'm-hanako', name: '通知 花子', email: 'Hanako@Mail.example.jp', locale: 'en', ...family, edaban: '01', relation: '家族' },
    { sub: 'm-jiro', name: '通知 次郎', ...family, edaban: '02', relation: '家族' }, // no e-mail known
    { sub: 'm-saburo', name: '通知 三郎', email: 'saburo@mail.example.jp', ...family, edaban: '03', relation: '家族' }, // opted out
    { sub: 'm-other', name: '別世帯 一郎', email: 'other@mail.example.jp', kigo: '501', bango: '1002', edaban: '00', relation: '本人' },
    { sub: 'm-same', name: '同じ 明細', email: 'same@mail.example.jp', kigo: '501', bango: '1003', edaban: '00', relation: '本人' },
  ];
  for (const m of members) await login(MEDICAL.slug, m);
  await saveNotificationSettings(database.db, MEDICAL.slug, 'm-saburo', { ...DEFAULT_NOTIFICATION_SETTINGS, medical: false });
  startWorker();

  // A first import for another household, then one with new claims for the family and the same rows again for it.
  const sameClaims = claimsOf('501', '1003', [{ edaban: '00', name: '同じ 明細', relation: '本人', birthYear: 1960 }]);
  await importClaims(database.db, MEDICAL.slug, sameClaims);
  await settled(MEDICAL.slug, (await latestBatchId(MEDICAL.slug))!);
  expect(mailsTo('same@mail.example.jp')).toHaveLength(1);

  const claims = claimsOf(family.kigo, family.bango, people);
  await importClaims(database.db, MEDICAL.slug, [...claims, ...sameClaims]);
  const send = await settled(MEDICAL.slug, (await latestBatchId(MEDICAL.slug))!);
  expect(send).toMatchObject({ kind: 'medical', state: 'done', recipients: { total: 2, sent: 2, failed: 0, pending: 0 } });
  expect(send.ref).toMatch(/^claims-import:/);

  expect(mailsTo('taro@mail.example.jp')).toHaveLength(1);
  expect(mailsTo('hanako@mail.example.jp')).toHaveLength(1);
  for (const nobody of ['saburo@mail.example.jp', 'other@mail.example.jp']) expect([nobody, mailsTo(nobody)]).toEqual([nobody, []]);
  expect(mailsTo('same@mail.example.jp')).toHaveLength(1); // unchanged rows are no news

  const [ja] = mailsTo('taro@mail.example.jp');
  expect(ja.from?.value).toEqual([{ name: MEDICAL.name, address: 'info@medical.kenpo.example.jp' }]);
  expect(ja.subject).toBe(`【${MEDICAL.name}】医療費情報が更新されました`);
  expect(ja.headers.get('auto-submitted')).toBe('auto-generated');
  expect(ja.messageId).toMatch(/^<[0-9a-f-]{36}@medical\.kenpo\.example\.jp>$/);
  // Multipart: a text part and an HTML part, each with the page's link and the settings' link.
  expect(ja.text).toContain(`${BASE_URL}/u/medical/medical/`);
  expect(ja.text).toContain(`${BASE_URL}/u/medical/settings/notifications`);
  expect(ja.html).toContain(`href="${BASE_URL}/u/medical/medical/"`);
  expect(ja.html).toContain(`href="${BASE_URL}/u/medical/settings/notifications"`);

  const [en] = mailsTo('hanako@mail.example.jp');
  expect(en.subject).toBe(`[${MEDICAL.name}] Your medical expense information has been updated`);
  expect(en.text).toContain('The medical expense information in the portal has been updated.');

  // 要配慮個人情報 stays in the portal: no names, institutions, amounts or months in either part.
  const secrets = [
    ...people.map((p) => p.name),
    ...new Set(claims.flatMap((c) => [c.facilityName, c.note, `${c.selfPaid.toLocaleString('ja-JP')}`, c.serviceMonth]).filter((s): s is string => !!s && s.length > 3)),
  ];
  for (const m of [ja, en]) {
    const body = `${m.subject}\n${m.text}\n${m.html}`;
    expect(secrets.filter((s) => body.includes(s))).toEqual([]);
    expect(body).not.toMatch(/円|¥/);
  }
});

test('an import that fails owes no mail: the batch is rolled back with the claims', async () => {
  await login(MEDICAL.slug, { sub: 'm-rollback', name: '巻戻 太郎', email: 'rollback@mail.example.jp', kigo: '502', bango: '2001', edaban: '00', relation: '本人' });
  const claims = claimsOf('502', '2001', [{ edaban: '00', name: '巻戻 太郎', relation: '本人', birthYear: 1970 }]);
  const before = await database.db('notification_batches').count({ n: '*' }).first();
  const broken = claims.map((c, i) => (i === claims.length - 1 ? { ...c, category: null as never } : c));
  await expect(importClaims(database.db, MEDICAL.slug, broken)).rejects.toThrow();
  expect(await database.db('notification_batches').count({ n: '*' }).first()).toEqual(before);
});

test('a notice reaches its audience and a MY mail its one member; settings count as they are when the batch is expanded; one mail per address', async () => {
  const people: Person[] = [
    { sub: 'n-insured', name: '本人 一郎', email: 'insured@news.example.jp', kigo: '601', bango: '1', edaban: '00', relation: '本人' },
    { sub: 'n-spouse', name: '家族 花子', email: 'spouse@news.example.jp', kigo: '601', bango: '1', edaban: '01', relation: '家族' },
    // A child using the parent's address: a notice to everyone sends that address one mail.
    { sub: 'n-child', name: '家族 蓮', email: 'INSURED@news.example.jp', kigo: '601', bango: '1', edaban: '02', relation: '家族' },
    { sub: 'n-quiet', name: '本人 静香', email: 'quiet@news.example.jp', kigo: '601', bango: '2', edaban: '00', relation: '本人' },
  ];
  for (const p of people) await login(NEWS.slug, p);
  await saveNotificationSettings(database.db, NEWS.slug, 'n-quiet', { medical: true, notices: false, messages: true });

  // Queued while no worker runs; the MY mail's member then switches MY mail off before expansion.
  const all = await queue({ unionSlug: NEWS.slug, kind: 'notices', ref: 'notice:1', audience: { relation: 'all' } });
  const dependants = await queue({ unionSlug: NEWS.slug, kind: 'notices', ref: 'notice:2', audience: { relation: '家族' } });
  const insured = await queue({ unionSlug: NEWS.slug, kind: 'notices', ref: 'notice:3', audience: { relation: '本人' } });
  const message = await queue({ unionSlug: NEWS.slug, kind: 'messages', ref: 'message:1', audience: { card: { kigo: '601', bango: '1', edaban: '01' } } });
  const optedOut = await queue({ unionSlug: NEWS.slug, kind: 'messages', ref: 'message:2', audience: { card: { kigo: '601', bango: '2', edaban: '00' } } });
  await saveNotificationSettings(database.db, NEWS.slug, 'n-quiet', { medical: true, notices: false, messages: false });
  startWorker();

  expect((await settled(NEWS.slug, all.batchId)).recipients).toMatchObject({ total: 2, sent: 2 });
  expect((await settled(NEWS.slug, dependants.batchId)).recipients).toMatchObject({ total: 2, sent: 2 }); // spouse, and the child's (shared) address
  expect((await settled(NEWS.slug, insured.batchId)).recipients).toMatchObject({ total: 1, sent: 1 });
  expect((await settled(NEWS.slug, message.batchId)).recipients).toMatchObject({ total: 1, sent: 1 });
  expect((await settled(NEWS.slug, optedOut.batchId)).recipients).toMatchObject({ total: 0 });

  expect(mailsTo('insured@news.example.jp').map((m) => m.subject)).toEqual(Array(3).fill(`【${NEWS.name}】新しいお知らせがあります`));
  const spouse = mailsTo('spouse@news.example.jp');
  expect(spouse.map((m) => m.subject).sort()).toEqual([
    `【${NEWS.name}】新しいMYメールが届いています`, `【${NEWS.name}】新しいお知らせがあります`, `【${NEWS.name}】新しいお知らせがあります`,
  ]);
  expect(spouse.find((m) => m.subject!.includes('MYメール'))!.text).toContain(`${BASE_URL}/u/news/messages`);
  expect(spouse.find((m) => m.subject!.includes('お知らせ'))!.text).toContain(`${BASE_URL}/u/news/notices`);
  expect(mailsTo('quiet@news.example.jp')).toEqual([]);
});

test('publishing a notice or sending a MY mail owes its mails in the same transaction; a scheduled notice waits for its time, and withdrawing it before then sends nothing', async () => {
  const SLUG = 'events';
  const UNION = union(SLUG, 'イベント健康保険組合');
  UNIONS.push(UNION);
  await login(SLUG, { sub: 'e-insured', name: '本人 太郎', email: 'insured@events.example.jp', kigo: '701', bango: '1', edaban: '00', relation: '本人' });
  await login(SLUG, { sub: 'e-spouse', name: '家族 花子', email: 'spouse@events.example.jp', kigo: '701', bango: '1', edaban: '01', relation: '家族' });
  const notice = (overrides: Partial<NoticeFields>): NoticeFields => ({
    kind: 'news', audience: 'all', title: '健診のご案内', body: '本文', publishFrom: Date.now(), publishTo: null, window: null, ...overrides,
  });
  startWorker();

  const now = await createNotice(database.db, SLUG, notice({ audience: 'dependants' }), 'admin-client');
  const later = await createNotice(database.db, SLUG, notice({ publishFrom: Date.now() + 3000 }), 'admin-client');
  const withdrawn = await createNotice(database.db, SLUG, notice({ publishFrom: Date.now() + 60_000 }), 'admin-client');
  const moved = await createNotice(database.db, SLUG, notice({ publishFrom: Date.now() + 60_000 }), 'admin-client');
  await withdrawNotice(database.db, SLUG, withdrawn.id, 'admin-client');
  await updateNotice(database.db, SLUG, moved.id, notice({ audience: 'insured', publishFrom: Date.now() }), 'admin-client');
  const sends = async () => (await listNotificationSends(database.db, SLUG, { limit: 20 })).map((s) => s.ref).sort();
  expect(await sends()).toEqual([`notice:${later.id}`, `notice:${moved.id}`, `notice:${now.id}`].sort());

  // The scheduled one waits for its publication, then reaches both.
  const laterBatch = (await listNotificationSends(database.db, SLUG, { limit: 20 })).find((s) => s.ref === `notice:${later.id}`)!;
  expect(laterBatch.state).toBe('queued');
  await until('the notice for dependants', async () => mailsTo('spouse@events.example.jp').length >= 1);
  await until('the moved notice for the insured', async () => mailsTo('insured@events.example.jp').length >= 1);
  await settled(SLUG, laterBatch.id);
  expect(mailsTo('insured@events.example.jp')).toHaveLength(2);
  expect(mailsTo('spouse@events.example.jp')).toHaveLength(2);

  // A MY mail, and the union's answer in its thread, each tell the one member.
  const card = { kigo: '701', bango: '1', edaban: '01' };
  const message = await createMessage(database.db, { unionSlug: SLUG, card, subject: '書類のお願い', body: '本文', replyRequested: true, createdBy: 'admin-client' });
  await until('the MY mail notification', async () => mailsTo('spouse@events.example.jp').length === 3);
  await addUnionReply(database.db, { unionSlug: SLUG, id: message.id, clientId: 'admin-client', text: '回答' });
  await until('the answer notification', async () => mailsTo('spouse@events.example.jp').length === 4);
  expect(mailsTo('spouse@events.example.jp').filter((m) => m.subject!.includes('MYメール'))).toHaveLength(2);
  expect(mailsTo('insured@events.example.jp')).toHaveLength(2);
});

test('a refused mail is retried with backoff until accepted; a permanent refusal or too many attempts ends as failed, shown in the progress', async () => {
  const people: Person[] = [
    { sub: 'r-later', name: '再送 一郎', email: 'later@retry.example.jp', kigo: '701', bango: '1', edaban: '00', relation: '本人' },
    { sub: 'r-unknown', name: '不明 二郎', email: 'unknown@retry.example.jp', kigo: '701', bango: '2', edaban: '00', relation: '本人' },
    { sub: 'r-busy', name: '混雑 三郎', email: 'busy@retry.example.jp', kigo: '701', bango: '3', edaban: '00', relation: '本人' },
  ];
  for (const p of people) await login(RETRY.slug, p);
  const tries = new Map<string, number>();
  const laterAt: number[] = [];
  answer = (_mail, to) => {
    const n = (tries.get(to[0]) ?? 0) + 1;
    tries.set(to[0], n);
    if (to[0] === 'later@retry.example.jp') laterAt.push(Date.now());
    if (to[0] === 'later@retry.example.jp' && n < 3) return { code: 451, message: 'try again later' };
    if (to[0] === 'unknown@retry.example.jp') return { code: 550, message: 'no such mailbox' };
    if (to[0] === 'busy@retry.example.jp') return { code: 421, message: 'too busy' };
    return 'accept';
  };
  const { batchId } = await queue({ unionSlug: RETRY.slug, kind: 'notices', ref: 'notice:retry', audience: { relation: 'all' } });
  startWorker({ mail: { maxAttempts: 3, retryBaseMs: 200 } });

  const send = await settled(RETRY.slug, batchId);
  expect(send.recipients).toEqual({ total: 3, sent: 1, failed: 2, pending: 0 });
  expect(Object.fromEntries(tries)).toEqual({ 'later@retry.example.jp': 3, 'unknown@retry.example.jp': 1, 'busy@retry.example.jp': 3 });
  expect(mailsTo('later@retry.example.jp')).toHaveLength(1);
  expect(send.failures).toEqual([
    { sub: 'r-busy', attempts: 3, lastError: expect.stringContaining('too busy') },
    { sub: 'r-unknown', attempts: 1, lastError: expect.stringContaining('no such mailbox') },
  ]);
  // Backoff: the second attempt came at least 200 ms after the first, the third at least 400 ms after the second.
  expect(laterAt[1] - laterAt[0]).toBeGreaterThanOrEqual(190);
  expect(laterAt[2] - laterAt[1]).toBeGreaterThanOrEqual(390);
  const rows = await database.db('notification_deliveries').where({ batch_id: batchId, email: 'later@retry.example.jp' });
  expect(rows[0]).toMatchObject({ state: 'sent', attempts: 3 });
});

test('mails leave at the configured pace (PORTAL_MAIL_RATE), measured loosely', async () => {
  const count = 8;
  for (let i = 0; i < count; i += 1) {
    await login(RATE.slug, { sub: `rate-${i}`, name: `速度 ${i}`, email: `rate${i}@rate.example.jp`, kigo: '801', bango: String(i), edaban: '00', relation: '本人' });
  }
  const arrivals: number[] = [];
  answer = () => { arrivals.push(Date.now()); return 'accept'; };
  const { batchId } = await queue({ unionSlug: RATE.slug, kind: 'notices', ref: 'notice:rate', audience: { relation: 'all' } });
  startWorker({ mail: { ratePerSecond: 5 } });
  await settled(RATE.slug, batchId);
  expect(arrivals).toHaveLength(count);
  // Seven gaps of 200 ms at least: 1.4 s; allow scheduling slack downwards, none upwards is asserted.
  expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThanOrEqual(1300);
});

test('two workers on one database (two portal processes) send each mail exactly once', async () => {
  const count = 12;
  for (let i = 0; i < count; i += 1) {
    await login(RACE.slug, { sub: `race-${i}`, name: `競争 ${i}`, email: `race${i}@race.example.jp`, kigo: '901', bango: String(i), edaban: '00', relation: '本人' });
  }
  const other = openDatabase(database.url);
  try {
    const batches = [];
    for (let i = 0; i < 3; i += 1) {
      batches.push(await queue({ unionSlug: RACE.slug, kind: 'notices', ref: `notice:race-${i}`, audience: { relation: 'all' } }));
    }
    startWorker({ mail: { ratePerSecond: 200 } });
    startWorker({ db: other, mail: { ratePerSecond: 200 } });
    for (const { batchId } of batches) expect((await settled(RACE.slug, batchId)).recipients).toMatchObject({ total: count, sent: count });
    for (let i = 0; i < count; i += 1) expect(mailsTo(`race${i}@race.example.jp`)).toHaveLength(3);
    const ids = capture.messages.filter((m) => recipientsOf(m)[0].endsWith('@race.example.jp')).map((m) => m.messageId);
    expect(new Set(ids).size).toBe(count * 3);
  } finally {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await other.destroy();
  }
});
