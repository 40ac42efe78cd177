import os from 'node:os';
import { unzipSync } from 'fflate';
import { hashPassword } from '../../idp/accounts/password-hasher.js';
import { upsertMembers } from '../../idp/members/member-repository.js';
import type { PostcardEvent } from '../../idp/admin/postcards.js';
import { clientCredentials } from './flows.js';
import { machine, runFor, summarize } from './harness.js';
import { forEachDatabase, PASSWORD_UNION } from './kenpo.js';
import { Report } from './report.js';

/**
 * `npm run bench:postcards`: one postcard batch of BENCH_POSTCARDS members (1,000, the API's
 * limit) through the admin API as an admin client would send it, asking for progress (NDJSON), on
 * each of BENCH_DATABASES; reports the whole time and each phase's (hashing, writing, rendering).
 */
const count = Math.max(1, Math.min(1000, Number(process.env.BENCH_POSTCARDS) || 1000));
const log = (message: string) => console.log(`[bench] ${message}`);
const report = new Report();
report.notes.push(`load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const ok = await forEachDatabase(report, async ({ column, database, kenpo }) => {
  const members = await upsertMembers(database.db, PASSWORD_UNION.slug, Array.from({ length: count }, (_, i) => ({
    insurerNumber: PASSWORD_UNION.insurerNumber, kigo: '700', bango: String(20000 + i), edaban: '00',
    nameKanji: '葉書 花子', nameKana: 'ハガキ ハナコ', birthdate: '1985-04-12', relation: '本人' as const,
  })));
  const { access_token: token } = await clientCredentials(kenpo.admin, 'admin');
  // The batch hashes two passwords at a time: that rate, just before, is the bound of its hashing phase.
  const hashes = summarize(await runFor(3000, () => hashPassword('bench-postcard'), 2));
  log(`${column}: postcards for ${count} members`);
  const started = performance.now();
  const response = await fetch(`${kenpo.admin.issuer}/admin/v1/postcards`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/x-ndjson' },
    body: JSON.stringify({ memberIds: members.map((m) => m.id) }),
  });
  if (response.status !== 200) throw new Error(`${response.status}: ${await response.text()}`);
  const phaseStarts = new Map<string, number>();
  let result: Extract<PostcardEvent, { type: 'result' }> | undefined;
  let buffered = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line) as PostcardEvent;
      if (event.type === 'error') throw new Error(`batch failed: ${event.error.message}`);
      if (event.type === 'result') { result = event; continue; }
      if (!phaseStarts.has(event.phase)) phaseStarts.set(event.phase, performance.now());
      process.stdout.write(`\r[bench]   ${event.phase} ${event.done}/${event.total}   `);
    }
  }
  const total = (performance.now() - started) / 1000;
  process.stdout.write('\n');
  if (!result) throw new Error('no result line');
  const zip = unzipSync(new Uint8Array(Buffer.from(result.zipBase64, 'base64')));
  const csvRows = Buffer.from(zip['postcards.csv']).toString('utf8').trim().split('\r\n').length - 1;
  if (csvRows !== count) throw new Error(`${csvRows} CSV rows for ${count} members`);
  const marks = [...phaseStarts.values(), started + total * 1000];
  const phases = [...phaseStarts.keys()].map((phase, i) => `${phase} ${((marks[i + 1] - marks[i]) / 1000).toFixed(1)} s`);
  report.set(`postcard batch, ${count} members (s)`, column, `${total.toFixed(1)} ${total <= 30 ? '(met)' : '(MISSED)'}`);
  report.target(`postcard batch, ${count} members (s)`, '≤ 30 s for 1,000');
  report.set('  by phase', column, phases.join(', '));
  report.set('  hashing bound (two at a time, measured before)', column, `${hashes.rate.toFixed(1)} hashes/s → ${(count / hashes.rate).toFixed(1)} s`);
  report.set('  zip size (MB)', column, (Buffer.from(result.zipBase64, 'base64').length / 1e6).toFixed(1));
});
report.notes.push(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
report.notes.push(machine().map(([k, v]) => `${k}: ${v}`).join('; '));
report.print();
process.exitCode = ok ? 0 : 1;
