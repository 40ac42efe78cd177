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

export interface YearTotal {
  year: number;
  selfPaid: number;
  /** Months with claims only, oldest first. */
  months: MonthTotal[];
}

/** Groups month totals into the given years (newest first, as listed); a year without claims totals 0. */
export function yearTotals(months: readonly MonthTotal[], years: readonly number[]): YearTotal[] {
  return years.map((year) => {
    const inYear = months.filter((m) => yearOf(m.month) === year).sort((a, b) => a.month.localeCompare(b.month));
    return { year, selfPaid: inYear.reduce((sum, m) => sum + m.selfPaid, 0), months: inYear };
  });
}
