import fs from 'node:fs';
import type { ClaimRecord } from '../../portal/medical/claims-csv.js';
import { run, tempDir } from '../helpers/cli-tools.js';
import { parseCsv } from '../helpers/csv-reader.js';
import { HttpAgent, textOf } from '../helpers/http-agent.js';
import { createMedicalHousehold, MEDICAL_PASSWORD, type MedicalHousehold } from '../helpers/medical.js';
import { startStack, type TestStack } from '../helpers/stack.js';

/**
 * What a member files for the 医療費控除 must hold every claim of the year: the CSV and the PDF
 * downloads are read back (an RFC 4180 reader, poppler's pdftotext) and compared row by row with
 * the claims imported for the household. A download of an unknown kind, or of a year outside the
 * five years shown, is refused with a message, each condition on its own.
 */
let stack: TestStack;
let household: MedicalHousehold;
let year: string;
let member: HttpAgent;
const tmp = tempDir('kenpo-downloads-');

beforeAll(async () => {
  stack = await startStack({ policy: { mfa: { required: false } } });
  household = await createMedicalHousehold(stack, 'alpha', { kigo: '610', bango: '80002' }, [
    { edaban: '00', name: '控除 一郎', relation: '本人', birthYear: 1968, userId: 'kojo' },
    { edaban: '01', name: '控除 花子', relation: '家族', birthYear: 1971, userId: 'kojo-hanako' },
  ]);
  const months = [...new Set(household.claims.map((c) => c.serviceMonth))].sort();
  year = String(Number(months.at(-1)!.slice(0, 4)) - 1); // a full past year
  member = new HttpAgent();
  const login = await member.follow(medical('/'));
  const home = await member.submit(login, /\/login$/, { loginId: 'kojo', password: MEDICAL_PASSWORD });
  expect(home.url).toBe(medical('/'));
});
afterAll(async () => {
  tmp.remove();
  await stack.close();
});

const medical = (path: string) => `${stack.portalUrl}/u/alpha/medical${path}`;
const claimsOfYear = () => household.claims.filter((c) => c.serviceMonth.startsWith(`${year}-`));
const yen = (text: string) => Number(text.replace(/[¥,]/g, ''));

/** The fields both files show, one string per claim, sorted: rows compare as a whole, in any order. */
const expected = (pick: (c: ClaimRecord) => unknown[]) => claimsOfYear().map((c) => JSON.stringify(pick(c))).sort();
const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

test('the CSV has one row per claim of the year, with its month, patient, facility, days, amounts and note', async () => {
  const file = await member.download(medical(`/download/csv?year=${year}`));
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  const rows = parseCsv(file.body.toString('utf8').replace(/^\uFEFF/, ''));
  const claimRows = rows.slice(rows.findIndex((r) => r[0] === '診療年月') + 1);
  expect(claimRows.length).toBeGreaterThan(0);
  expect(claimRows).toHaveLength(claimsOfYear().length);
  expect(sorted(claimRows.map((r) => [r[0], r[1], r[4], Number(r[3]), yen(r[5]), yen(r[6]), yen(r[7]), yen(r[8]), r[9]])))
    .toEqual(expected((c) => [
      `${c.serviceMonth.slice(0, 4)}年${Number(c.serviceMonth.slice(5))}月`, c.patientName, c.facilityName ?? '', c.days,
      c.totalCost, c.insurerPaid, c.publicPaid, c.selfPaid, c.note ?? '',
    ]));
  const selfPaidTotal = rows.find((r) => r[0] === '窓口相当負担額（円）')![1];
  expect(yen(selfPaidTotal)).toBe(claimsOfYear().reduce((sum, c) => sum + c.selfPaid, 0));
});

test('the PDF has one table row per claim of the year, with its month, patient and four amounts', async () => {
  const file = await member.download(medical(`/download/pdf?year=${year}`));
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toBe('application/pdf');
  fs.writeFileSync(tmp.file('statement.pdf'), file.body);
  const text = run('pdftotext', ['-layout', tmp.file('statement.pdf'), '-']);
  expect(text.status).toBe(0);
  // A row starts with the month (YYYY/MM) and the patient's name; its four amounts follow on the line.
  const rows = [...text.stdout.matchAll(/^\s*(\d{4})\/(\d{2})\s+(\S+ \S+)\s.*?¥([\d,]+)\s+¥([\d,]+)\s+¥([\d,]+)\s+¥([\d,]+)/gm)]
    .map((m) => [`${m[1]}-${m[2]}`, m[3], yen(m[4]), yen(m[5]), yen(m[6]), yen(m[7])]);
  expect(rows.length).toBeGreaterThan(0);
  expect(sorted(rows)).toEqual(expected((c) => [c.serviceMonth, c.patientName, c.totalCost, c.insurerPaid, c.publicPaid, c.selfPaid]));
});

describe('a download is refused with a message when', () => {
  const refused = async (path: string) => {
    const page = await member.request(medical(path));
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-disposition')).toBeNull();
    expect(textOf(page.html)).toMatch(/ダウンロードする年を\d{4}年から\d{4}年までの範囲で選んでください。/);
  };
  test('the kind is unknown (the year is fine)', () => refused(`/download/zip?year=${year}`));
  test('the year is outside the five years (the kind is fine)', () => refused('/download/csv?year=2001'));
  test('the year is missing', () => refused('/download/pdf'));
  test('both are wrong', () => refused('/download/zip?year=2001'));
});
