import { formatClaimsCsv, parseClaimsCsv, type ClaimRecord } from '../../portal/medical/claims-csv.js';
import { importClaims } from '../../portal/medical/claims-import.js';
import {
  findClaimScope, householdKey, listClaims, listPatients, loadStatement, patientMonthTotals, type ClaimScope,
} from '../../portal/medical/claims-repository.js';
import { demoClaimPeriod, generateClaims, syntheticHousehold, type DemoHousehold } from '../../portal/medical/demo-claims.js';
import type { HouseholdClaims } from '../../portal/medical/model.js';
import { loadMedicalSummary } from '../../portal/medical/medical-summary.js';
import { monthTotals, patientYearTotals as yearTotalsOfPatients, yearTotals } from '../../portal/medical/totals.js';
import { addMonths, viewingWindow, yearPeriod } from '../../portal/medical/period.js';
import { createPortalTestDatabase, testDatabaseKind, type TestDatabase } from '../helpers/database.js';

const UNION = { slug: 'medical', name: 'メディカル健康保険組合', insurerNumber: '06130077' };
const NOW = new Date();
let database: TestDatabase;

beforeAll(async () => {
  database = await createPortalTestDatabase();
});
afterAll(() => database?.drop());

/** Each patient's year totals, as the summary computes them from the grouped rows and the patients' names. */
async function patientYears(scope: ClaimScope, period: { from: string; to: string }) {
  const names = new Map((await listPatients(database.db, scope)).map((p) => [p.edaban, p.name]));
  return yearTotalsOfPatients(await patientMonthTotals(database.db, scope, period), names);
}

/** A generated household of at least three people, and how the IdP's token would name one of them. */
function household(n: number): { demo: DemoHousehold; claims: ClaimRecord[]; as: (edaban: string) => HouseholdClaims } {
  let demo = syntheticHousehold(n, UNION.insurerNumber, 'it');
  for (let i = n; demo.people.length < 3; i += 1000) demo = syntheticHousehold(i, UNION.insurerNumber, 'it');
  const claims = generateClaims(demo, demoClaimPeriod(NOW), 'it');
  const as = (edaban: string): HouseholdClaims => ({
    insurer_number: demo.insurerNumber, kigo: demo.kigo, bango: demo.bango, edaban, relation: edaban === '00' ? '本人' : '家族',
  });
  return { demo, claims, as };
}

const rowCount = async () => Number((await database.db('medical_claims').count({ n: '*' }).first())!.n);
const sum = (claims: ClaimRecord[]) => claims.reduce((total, c) => total + c.selfPaid, 0);

test('an imported generated household: every total and statement agrees with the rows, within each viewer\'s scope', async () => {
  const { demo, claims, as } = household(7);
  const parsed = parseClaimsCsv(formatClaimsCsv(claims), { insurerNumber: UNION.insurerNumber, now: NOW });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
  const counts = await importClaims(database.db, UNION.slug, parsed.records);
  expect(counts).toEqual({ created: claims.length, updated: 0, unchanged: 0, householdsCreated: 1, patientsCreated: demo.people.length });

  const window = viewingWindow(NOW);
  const scope = (await findClaimScope(database.db, UNION.slug, as('00')))!;
  expect(await listPatients(database.db, scope)).toEqual(demo.people.map((p) => ({ edaban: p.edaban, name: p.name, relation: p.relation })));

  // Per month and per year, against sums computed straight from the generated rows.
  const months = [...new Set(claims.map((c) => c.serviceMonth))].sort();
  const totals = monthTotals(await patientMonthTotals(database.db, scope, window));
  expect(totals).toEqual(months.map((month) => ({ month, selfPaid: sum(claims.filter((c) => c.serviceMonth === month)) })));
  for (const { year, selfPaid } of yearTotals(totals, window.years)) {
    expect(selfPaid).toBe(sum(claims.filter((c) => c.serviceMonth.startsWith(`${year}-`))));
  }
  const latest = months.at(-1)!;
  const summaryLatest = (await loadMedicalSummary(database.db, UNION.slug, as('00'), NOW)).latest;
  expect(summaryLatest).toEqual({ month: latest, selfPaid: sum(claims.filter((c) => c.serviceMonth === latest)) });

  // The yearly statement holds exactly that year's rows, with names from the import.
  const year = Number(latest.slice(0, 4)) - 1;
  const statement = await loadStatement(database.db, UNION, as('00'), yearPeriod(year), { now: NOW });
  const expected = claims.filter((c) => c.serviceMonth.startsWith(`${year}-`));
  // Rows come back in statement order (month, patient, import order), which is the generator's order.
  expect(statement.claims).toEqual(expected.map(({ claimId, insurerNumber, kigo, bango, relation, ...claim }) => claim));
  expect(statement).toMatchObject({
    union: { name: UNION.name, insurerNumber: UNION.insurerNumber },
    insured: { name: demo.people[0].name, kigo: demo.kigo, bango: demo.bango },
    period: { from: `${year}-01`, to: `${year}-12` },
  });

  // 要配慮個人情報: a 家族 sees their own claims only, even when asking for another patient.
  const dependant = demo.people[1].edaban;
  const own = claims.filter((c) => c.patientEdaban === dependant);
  const familyView = await loadStatement(database.db, UNION, as(dependant), window, { edaban: '00' });
  expect(familyView.claims.length).toBe(own.length);
  expect(familyView.claims.every((c) => c.patientEdaban === dependant)).toBe(true);
  const familySummary = await loadMedicalSummary(database.db, UNION.slug, as(dependant), NOW);
  expect(familySummary.years.reduce((t, y) => t + y.selfPaid, 0)).toBe(sum(own));
  const familyScope = (await findClaimScope(database.db, UNION.slug, as(dependant)))!;
  expect((await listPatients(database.db, familyScope)).map((p) => p.edaban)).toEqual([dependant]);
  expect(familySummary.years.flatMap((y) => y.patients.map((p) => p.edaban))).toEqual(familySummary.years.filter((y) => y.patients.length).map(() => dependant));
  expect(familySummary.chart.bars.map((b) => b.selfPaid)).toEqual(familySummary.chart.bars.map((b) => sum(own.filter((c) => c.serviceMonth === b.month))));
  // A 本人 may narrow to one patient.
  const narrowed = await loadStatement(database.db, UNION, as('00'), window, { edaban: dependant });
  expect(narrowed.claims).toEqual(familyView.claims);
  // Another household's card finds nothing.
  expect(await findClaimScope(database.db, UNION.slug, { ...as('00'), bango: 'nobody' })).toBeUndefined();
  expect((await listClaims(database.db, scope, window)).length).toBe(claims.length);
});

test('受診者別の年間合計: each patient\'s total per year, grouped in the database, within each viewer\'s scope', async () => {
  const { demo, claims, as } = household(9);
  await importClaims(database.db, UNION.slug, claims);
  const window = viewingWindow(NOW);
  const expected = (people: typeof demo.people) => window.years.flatMap((year) => people
    .map((p) => ({ p, inYear: claims.filter((c) => c.patientEdaban === p.edaban && c.serviceMonth.startsWith(`${year}-`)) }))
    .filter(({ inYear }) => inYear.length > 0)
    .map(({ p, inYear }) => ({ year, edaban: p.edaban, name: p.name, selfPaid: sum(inYear) })));

  const scope = (await findClaimScope(database.db, UNION.slug, as('00')))!;
  const everyone = await patientYears(scope, window);
  expect(everyone).toEqual(expected(demo.people)); // newest year first, then by 枝番
  expect(new Set(everyone.map((t) => t.edaban)).size).toBe(demo.people.length);

  // The summary puts them under their years; each year's patients add up to the year's total.
  const summary = await loadMedicalSummary(database.db, UNION.slug, as('00'), NOW);
  for (const year of summary.years) {
    expect(year.patients).toEqual(everyone.filter((t) => t.year === year.year).map(({ year: _, ...patient }) => patient));
    expect(year.patients.reduce((t, p) => t + p.selfPaid, 0)).toBe(year.selfPaid);
  }
  // The chart: the twelve months up to this one, from the same rows.
  expect(summary.chart.bars.map((b) => [b.month, b.selfPaid])).toEqual(Array.from({ length: 12 }, (_, i) => addMonths(window.to, i - 11))
    .map((month) => [month, sum(claims.filter((c) => c.serviceMonth === month))]));

  // A 家族 gets their own line only; a narrower period narrows the years.
  const dependant = demo.people[1];
  const familyScope = (await findClaimScope(database.db, UNION.slug, as(dependant.edaban)))!;
  expect(await patientYears(familyScope, window)).toEqual(expected([dependant]));
  const lastYear = window.years[1];
  expect(await patientYears(scope, yearPeriod(lastYear))).toEqual(everyone.filter((t) => t.year === lastYear));
});

test('importing the same rows again changes nothing; a corrected row is updated', async () => {
  const { claims } = household(8);
  await importClaims(database.db, UNION.slug, claims);
  const before = await database.db('medical_claims').orderBy('id').select();
  expect(await importClaims(database.db, UNION.slug, claims)).toEqual({
    created: 0, updated: 0, unchanged: claims.length, householdsCreated: 0, patientsCreated: 0,
  });
  expect(await database.db('medical_claims').orderBy('id').select()).toEqual(before);

  const corrected = claims.map((c, i) => (i === 3 ? { ...c, selfPaid: c.selfPaid + 10, insurerPaid: c.insurerPaid - 10 } : c));
  expect(await importClaims(database.db, UNION.slug, corrected)).toMatchObject({ created: 0, updated: 1, unchanged: claims.length - 1 });
  const row = await database.db('medical_claims').where({ union_slug: UNION.slug, source_claim_id: claims[3].claimId }).first();
  expect(Number(row.self_paid)).toBe(claims[3].selfPaid + 10);
});

test('an import is all or nothing: a failure in a late chunk leaves no household, patient or claim behind', async () => {
  const many: ClaimRecord[] = [];
  for (let n = 100; many.length < 1200; n += 1) {
    many.push(...generateClaims(syntheticHousehold(n, UNION.insurerNumber, 'it'), demoClaimPeriod(NOW), 'it'));
  }
  const broken = many.map((c, i) => (i === 1100 ? { ...c, category: null as never } : c)); // NOT NULL, after two chunks
  const rows = await rowCount();
  const households = await database.db('medical_households').count({ n: '*' }).first();
  await expect(importClaims(database.db, UNION.slug, broken)).rejects.toThrow();
  expect(await rowCount()).toBe(rows);
  expect(await database.db('medical_households').count({ n: '*' }).first()).toEqual(households);
});

// PostgreSQL only (SQLite plans from its indexes): with autovacuum off or behind, statistics from
// before a bulk load made the next import's claim lookup scan every claim of the union.
if (testDatabaseKind === 'postgres') test('after an import PostgreSQL\'s statistics count the claims it wrote, so the next import plans for the real table', async () => {
  const { claims } = household(11);
  await importClaims(database.db, UNION.slug, claims);
  const planned = await database.db.raw("SELECT reltuples FROM pg_class WHERE relname = 'medical_claims'");
  expect(Number(planned.rows[0].reltuples)).toBe(await rowCount());
});

test('two households of the union: each viewer sees their own patients, insured name and totals, in order', async () => {
  const first = household(31);
  const second = household(32);
  await importClaims(database.db, UNION.slug, [...first.claims, ...second.claims]);
  const window = viewingWindow(NOW);
  for (const { demo, claims, as } of [first, second]) {
    const scope = (await findClaimScope(database.db, UNION.slug, as('00')))!;
    expect(await listPatients(database.db, scope)).toEqual(demo.people.map((p) => ({ edaban: p.edaban, name: p.name, relation: p.relation })));
    const statement = await loadStatement(database.db, UNION, as('00'), window, { fallbackName: 'unused' });
    expect(statement.insured.name).toBe(demo.people.find((p) => p.relation === '本人')!.name);
    expect(statement.claims).toHaveLength(claims.filter((c) => c.serviceMonth >= window.from && c.serviceMonth <= window.to).length);
    const rows = await patientMonthTotals(database.db, scope, window);
    const order = rows.map((r) => `${r.month}:${r.edaban}`);
    expect(order).toEqual([...order].sort());
    expect(new Set(rows.map((r) => r.edaban))).toEqual(new Set(claims.filter((c) => c.serviceMonth >= window.from).map((c) => c.patientEdaban)));
  }
  // A household with no data yet: the ID token's name, or nothing.
  const nobody = { ...first.as('00'), bango: 'no-data-yet' };
  expect((await loadStatement(database.db, UNION, nobody, window, { fallbackName: '未登録 太郎' })).insured.name).toBe('未登録 太郎');
  expect((await loadStatement(database.db, UNION, nobody, window)).insured.name).toBe('');
  expect(householdKey(first.as('01'))).toBe(`${first.demo.insurerNumber}:${first.demo.kigo}:${first.demo.bango}`);
  // Data of the dependants only (the insured person had no claims): the name comes from the token.
  const dependants = household(33);
  await importClaims(database.db, UNION.slug, dependants.claims.filter((c) => c.patientEdaban !== '00'));
  const statement = await loadStatement(database.db, UNION, dependants.as('01'), window, { fallbackName: '本人 名' });
  expect(statement.insured.name).toBe('本人 名');
  expect(statement.claims.every((c) => c.patientEdaban === '01')).toBe(true);
});
