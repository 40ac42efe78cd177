import type { Knex } from 'knex';
import type { Database } from '../../migrations/database.js';
import type { Relation } from './model.js';
import type { CareCategory, Claim, HouseholdClaims, Statement } from './model.js';
import type { Period } from './period.js';
import type { PatientMonthTotal } from './totals.js';

/**
 * Medical data is 要配慮個人情報 (special-care-required personal information, APPI art. 2(3)):
 * the insured person (本人) sees the whole household's claims, a dependant (家族) only their own.
 * Every read below goes through a ClaimScope built from the access token's household claims.
 */
export interface ClaimScope {
  householdId: number;
  /** Set for a 家族 (their own 枝番), or when a 本人 narrows to one patient. */
  edaban?: string;
}

export interface Patient {
  edaban: string;
  name: string;
  relation: Relation;
}

interface ClaimRow {
  service_month: string; edaban: string; patient_name: string; facility_name: string | null; category: CareCategory;
  days: number; total_cost: number; insurer_paid: number; public_paid: number; self_paid: number; note: string | null;
}

/** `insurer:kigo:bango`, how audit entries name a household. */
export const householdKey = (h: Pick<HouseholdClaims, 'insurer_number' | 'kigo' | 'bango'>): string =>
  `${h.insurer_number}:${h.kigo}:${h.bango}`;

async function findHouseholdId(db: Database, unionSlug: string, h: HouseholdClaims): Promise<number | undefined> {
  const row = await db('medical_households')
    .where({ union_slug: unionSlug, insurer_number: h.insurer_number, kigo: h.kigo, bango: h.bango })
    .first('id');
  return row ? Number(row.id) : undefined;
}

/** The scope of what this household member may see; undefined when the household has no data yet. */
export async function findClaimScope(db: Database, unionSlug: string, h: HouseholdClaims): Promise<ClaimScope | undefined> {
  const householdId = await findHouseholdId(db, unionSlug, h);
  if (householdId === undefined) return undefined;
  return h.relation === '本人' ? { householdId } : { householdId, edaban: h.edaban };
}

/** A 本人 narrowing the view to one patient; a 家族's scope never widens. */
export const narrowScope = (scope: ClaimScope, edaban: string | undefined): ClaimScope =>
  (scope.edaban || !edaban ? scope : { ...scope, edaban });

function scopedClaims(db: Database, scope: ClaimScope) {
  const query = db('medical_claims').where('medical_claims.household_id', scope.householdId);
  if (scope.edaban) query.andWhere('medical_claims.edaban', scope.edaban);
  return query;
}

/** Joins each claim to its patient (for the name). */
function claimPatient(this: Knex.JoinClause) {
  this.on('medical_patients.household_id', '=', 'medical_claims.household_id')
    .andOn('medical_patients.edaban', '=', 'medical_claims.edaban');
}

/** The patients the viewer may filter by (a 家族: only themself). */
export async function listPatients(db: Database, scope: ClaimScope): Promise<Patient[]> {
  const query = db('medical_patients').where({ household_id: scope.householdId }).orderBy('edaban');
  if (scope.edaban) query.andWhere({ edaban: scope.edaban });
  const rows: { edaban: string; name: string; relation: Relation }[] = await query.select('edaban', 'name', 'relation');
  return rows.map((r) => ({ edaban: r.edaban, name: r.name, relation: r.relation }));
}

/**
 * 自己負担額 per 診療年月 and patient within the period, oldest month first: everything the summary
 * shows (month totals, the newest month, each patient's years) in one pass over the household's rows,
 * answered from the (household, month, 枝番, 自己負担額) index alone.
 */
export async function patientMonthTotals(db: Database, scope: ClaimScope, period: Period): Promise<PatientMonthTotal[]> {
  const rows: { month: string; edaban: string; self_paid: number | string }[] = await scopedClaims(db, scope)
    .whereBetween('service_month', [period.from, period.to])
    .groupBy('service_month', 'edaban').orderBy([{ column: 'service_month' }, { column: 'edaban' }])
    .select({ month: 'service_month', edaban: 'edaban' }).sum({ self_paid: 'self_paid' });
  return rows.map((r) => ({ month: r.month, edaban: r.edaban, selfPaid: Number(r.self_paid) }));
}

/** The claim rows of the period, by month, then patient, then import order. */
export async function listClaims(db: Database, scope: ClaimScope, period: Period): Promise<Claim[]> {
  const rows: ClaimRow[] = await scopedClaims(db, scope)
    .join('medical_patients', claimPatient)
    .whereBetween('medical_claims.service_month', [period.from, period.to])
    .orderBy([{ column: 'medical_claims.service_month' }, { column: 'medical_claims.edaban' }, { column: 'medical_claims.id' }])
    .select('medical_claims.service_month', 'medical_claims.edaban', 'medical_patients.name as patient_name',
      'medical_claims.facility_name', 'medical_claims.category', 'medical_claims.days', 'medical_claims.total_cost',
      'medical_claims.insurer_paid', 'medical_claims.public_paid', 'medical_claims.self_paid', 'medical_claims.note');
  return rows.map(toClaim);
}

const toClaim = (r: ClaimRow): Claim => ({
  serviceMonth: r.service_month, patientName: r.patient_name, patientEdaban: r.edaban, facilityName: r.facility_name,
  category: r.category, days: Number(r.days), totalCost: Number(r.total_cost), insurerPaid: Number(r.insurer_paid),
  publicPaid: Number(r.public_paid), selfPaid: Number(r.self_paid), note: r.note,
});

/** 被保険者 (本人) of the household, the name a 医療費通知 is addressed to. */
async function insuredName(db: Database, householdId: number): Promise<string | undefined> {
  const row = await db('medical_patients').where({ household_id: householdId, relation: '本人' }).first('name');
  return row?.name;
}

/**
 * The statement (医療費通知) a member may see for a period: the household's claims for a 本人
 * (optionally one patient's), a 家族's own claims only. `fallbackName` names the insured when the
 * household has no data yet (the ID token's name of a 本人).
 */
export async function loadStatement(
  db: Database,
  union: { slug: string; name: string },
  household: HouseholdClaims,
  period: Period,
  options: { edaban?: string; fallbackName?: string; now?: Date } = {},
): Promise<Statement> {
  const scope = await findClaimScope(db, union.slug, household);
  const claims = scope ? await listClaims(db, narrowScope(scope, options.edaban), period) : [];
  const name = (scope && await insuredName(db, scope.householdId)) ?? options.fallbackName ?? '';
  return {
    union: { name: union.name, insurerNumber: household.insurer_number },
    insured: { name, kigo: household.kigo, bango: household.bango },
    period,
    claims,
    issuedAt: options.now ?? new Date(),
  };
}
