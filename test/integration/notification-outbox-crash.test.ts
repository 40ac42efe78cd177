import type { ParsedMail } from 'mailparser';
import { importClaims } from '../../portal/medical/claims-import.js';
import { generateClaims } from '../../portal/medical/demo-claims.js';
import { recordMemberLogin } from '../../portal/members/portal-members.js';
import { startProductionStack, type ProductionStack } from '../helpers/production-stack.js';
import { startMailCapture, type MailCapture } from '../helpers/smtp.js';

/**
 * The outbox survives a crash of the real portal process (`node dist/portal/main.js`) in the worst
 * place: the mail server has the whole message of one delivery but has not answered yet when the
 * process is killed with SIGKILL. After a restart every recipient has exactly one mail: the stalled
 * one is retried once its lease runs out (the server never accepted it), none is lost, none doubled.
 */
const MEMBERS = 6;
const STALL_AT = 3; // the third message the server receives
const LEASE_MS = 4000;

let stack: ProductionStack;
let smtp: MailCapture;
let received = 0;
let stalledAddress: string | undefined;
let stalled: () => void;
const stalledOnce = new Promise<void>((resolve) => { stalled = resolve; });

beforeAll(async () => {
  smtp = await startMailCapture({
    answer: (_mail: ParsedMail, to: string[]) => {
      received += 1;
      if (received !== STALL_AT) return 'accept';
      stalledAddress = to[0];
      stalled();
      return 'stall';
    },
  });
  stack = await startProductionStack({
    portalEnv: {
      SMTP_URL: smtp.url,
      PORTAL_MAIL_LEASE_MS: String(LEASE_MS),
      PORTAL_MAIL_RATE: '20',
      PORTAL_MAIL_RETRY_BASE_MS: '1000',
    },
  });
}, 300_000); // may compile dist first
afterAll(async () => {
  await stack?.close();
  await smtp?.close();
});

const addresses = Array.from({ length: MEMBERS }, (_, i) => `crash${i}@example.jp`);
const mailsTo = (address: string) => smtp.messages.filter((m) => JSON.stringify(m.to).includes(address));

test('kill -9 of the portal mid-SMTP: after a restart every recipient has exactly one mail', async () => {
  const db = stack.portalDatabase.db;
  const { slug, insurerNumber } = stack.union;
  // Members of three households the portal knows from their logins, with claims imported as the CLI would (another process).
  for (let i = 0; i < MEMBERS; i += 1) {
    const card = { insurer_number: insurerNumber, kigo: '300', bango: String(1000 + Math.floor(i / 2)), edaban: i % 2 === 0 ? '00' : '01', relation: i % 2 === 0 ? '本人' : '家族' } as const;
    await recordMemberLogin(db, { unionSlug: slug, sub: `crash-${i}`, name: `障害 ${i}`, email: addresses[i], household: card });
  }
  const claims = [0, 1, 2].flatMap((h) => generateClaims({
    insurerNumber, kigo: '300', bango: String(1000 + h),
    people: [{ edaban: '00', name: `障害 本人${h}`, relation: '本人', birthYear: 1950 }, { edaban: '01', name: `障害 家族${h}`, relation: '家族', birthYear: 1952 }],
  }, { from: '2024-01', to: '2024-12' }, 'crash'));
  await importClaims(db, slug, claims);

  // The portal finds the batch at its next poll and sends until the server stalls on the third message.
  await stalledOnce;
  const stuck = await db('notification_deliveries').where({ email: stalledAddress }).first();
  expect(stuck).toMatchObject({ state: 'sending', attempts: 1 });
  await stack.portal.kill();
  expect(smtp.messages).toHaveLength(STALL_AT - 1);

  await stack.portal.start(60_000);
  for (const deadline = Date.now() + 120_000; ;) {
    const pending = await db('notification_deliveries').whereIn('state', ['pending', 'sending']).count({ n: '*' }).first();
    if (Number(pending!.n) === 0) break;
    if (Date.now() > deadline) throw new Error(`deliveries still pending:\n${stack.portal.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  // Time for a duplicate to show up, if there were one.
  await new Promise((r) => setTimeout(r, 2000));

  expect(addresses.map((a) => [a, mailsTo(a).length])).toEqual(addresses.map((a) => [a, 1]));
  expect(smtp.messages).toHaveLength(MEMBERS);
  const retried = await db('notification_deliveries').where({ email: stalledAddress }).first();
  expect(retried).toMatchObject({ state: 'sent', attempts: 2 });
  // The retry is the same mail: its Message-ID is the delivery's, as in the first attempt.
  expect(mailsTo(stalledAddress!)[0].messageId).toBe(`<${retried.id}@example.jp>`);
}, 300_000);
