import type { Claim } from './model.js';
import { yearOf } from './period.js';

/** The 合計 row of a statement. */
export interface ClaimTotals {
  totalCost: number;
  insurerPaid: number;
  publicPaid: number;
  selfPaid: number;
}

export function sumClaims(claims: readonly Claim[]): ClaimTotals {
  const totals: ClaimTotals = { totalCost: 0, insurerPaid: 0, publicPaid: 0, selfPaid: 0 };
  for (const c of claims) {
    totals.totalCost += c.totalCost;
    totals.insurerPaid += c.insurerPaid;
    totals.publicPaid += c.publicPaid;
    totals.selfPaid += c.selfPaid;
  }
  return totals;
}

/** 自己負担額 of one 診療年月. */
export interface MonthTotal {
  month: string;
  selfPaid: number;
}

/** One patient's 自己負担額 in one 診療年月 (what the summary is computed from). */
export interface PatientMonthTotal {
  month: string;
  edaban: string;
  selfPaid: number;
}

/** 自己負担額 per 診療年月, oldest first, months without claims left out. */
export function monthTotals(rows: readonly PatientMonthTotal[]): MonthTotal[] {
  const byMonth = new Map<string, number>();
  for (const r of rows) byMonth.set(r.month, (byMonth.get(r.month) ?? 0) + r.selfPaid);
  return [...byMonth].sort(([a], [b]) => a.localeCompare(b)).map(([month, selfPaid]) => ({ month, selfPaid }));
}

/** 受診者別の年間合計, newest year first, then by 枝番; patients named from `names` (枝番 → 受診者). */
export function patientYearTotals(rows: readonly PatientMonthTotal[], names: ReadonlyMap<string, string>): PatientYearTotal[] {
  const totals = new Map<string, PatientYearTotal>();
  for (const r of rows) {
    const year = yearOf(r.month);
    const key = `${year}:${r.edaban}`;
    const total = totals.get(key) ?? { year, edaban: r.edaban, name: names.get(r.edaban) ?? '', selfPaid: 0 };
    total.selfPaid += r.selfPaid;
    totals.set(key, total);
  }
  return [...totals.values()].sort((a, b) => b.year - a.year || a.edaban.localeCompare(b.edaban));
}

/** 受診者別の年間合計: one patient's 自己負担額 over one year of 診療年月. */
export interface PatientYearTotal {
  year: number;
  edaban: string;
  name: string;
  selfPaid: number;
}

export type PatientTotal = Omit<PatientYearTotal, 'year'>;

export interface YearTotal {
  year: number;
  selfPaid: number;
  /** Months with claims only, oldest first. */
  months: MonthTotal[];
  /** Patients with claims in the year, by 枝番. */
  patients: PatientTotal[];
}

/**
 * Groups month totals (and patients' year totals) into the given years (newest first, as listed);
 * a year without claims totals 0.
 */
export function yearTotals(months: readonly MonthTotal[], years: readonly number[], byPatient: readonly PatientYearTotal[] = []): YearTotal[] {
  return years.map((year) => {
    const inYear = months.filter((m) => yearOf(m.month) === year).sort((a, b) => a.month.localeCompare(b.month));
    const patients = byPatient.filter((p) => p.year === year).sort((a, b) => a.edaban.localeCompare(b.edaban))
      .map(({ edaban, name, selfPaid }) => ({ edaban, name, selfPaid }));
    return { year, selfPaid: inYear.reduce((sum, m) => sum + m.selfPaid, 0), months: inYear, patients };
  });
}
