import type { Database } from '../../migrations/database.js';
import { findClaimScope, listPatients, patientMonthTotals, type Patient } from './claims-repository.js';
import type { HouseholdClaims } from './model.js';
import { monthlyChart, type MonthlyChart } from './monthly-chart.js';
import { viewingWindow, yearOf, type Period } from './period.js';
import { monthTotals, patientYearTotals, yearTotals, type MonthTotal, type YearTotal } from './totals.js';

/** What the 医療費情報 top page shows. */
export interface MedicalSummary {
  window: Period;
  /** 最新の自己負担総額: the newest month with claims. */
  latest?: MonthTotal;
  /** 今年の自己負担総額 */
  thisYear: { year: number; selfPaid: number };
  /** The twelve months up to the window's newest, as a bar chart. */
  chart: MonthlyChart;
  /** This year and the four before, newest first, each with its months and its patients' totals. */
  years: YearTotal[];
}

export async function loadMedicalSummary(db: Database, unionSlug: string, household: HouseholdClaims, now: Date): Promise<MedicalSummary> {
  const window = viewingWindow(now);
  const scope = await findClaimScope(db, unionSlug, household);
  const [rows, patients] = scope ? await Promise.all([patientMonthTotals(db, scope, window), listPatients(db, scope)]) : [[], []];
  const months = monthTotals(rows);
  const latest = months.at(-1);
  const years = yearTotals(months, window.years, patientYearTotals(rows, new Map(patients.map((p) => [p.edaban, p.name]))));
  const thisYear = years.find((y) => y.year === yearOf(window.to))!;
  return {
    window: { from: window.from, to: window.to }, latest, thisYear: { year: thisYear.year, selfPaid: thisYear.selfPaid },
    chart: monthlyChart(months, window.to), years,
  };
}

/** The patients a viewer may pick in the filter (本人: the household, 家族: themself). */
export async function loadPatientChoices(db: Database, unionSlug: string, household: HouseholdClaims): Promise<Patient[]> {
  const scope = await findClaimScope(db, unionSlug, household);
  return scope ? listPatients(db, scope) : [];
}
