/** 診療年月 as `YYYY-MM`, and the periods statements cover. */

const SERVICE_MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const JST_OFFSET_MS = 9 * 60 * 60 * 1000; // Japan has no daylight saving time

/** An inclusive range of 診療年月. */
export interface Period {
  from: string;
  to: string;
}

export const isServiceMonth = (value: string): boolean => SERVICE_MONTH.test(value);

export const yearOf = (month: string): number => Number(month.slice(0, 4));

/** `2025-03` → `2025/03`, as statements print it. */
export const slashMonth = (month: string): string => month.replace('-', '/');

/** `2025-03` → `2025年3月`. */
export const monthLabel = (month: string): string => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;

/** The month it is now in Japan, which is what members mean by 今月 and 今年. */
export const currentMonth = (now: Date): string => new Date(now.getTime() + JST_OFFSET_MS).toISOString().slice(0, 7);

export const yearPeriod = (year: number): Period => ({ from: `${year}-01`, to: `${year}-12` });

export const monthPeriod = (month: string): Period => ({ from: month, to: month });

export function addMonths(month: string, count: number): string {
  const index = yearOf(month) * 12 + Number(month.slice(5, 7)) - 1 + count;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Every month of the period, oldest first. */
export function monthsOf(period: Period): string[] {
  const months: string[] = [];
  for (let m = period.from; m <= period.to; m = addMonths(m, 1)) months.push(m);
  return months;
}

export const YEARS_SHOWN = 5;

/**
 * What members may look at: this year and the four before (a 医療費控除 can be claimed for five
 * years), up to this month.
 */
export function viewingWindow(now: Date): Period & { years: number[] } {
  const to = currentMonth(now);
  const thisYear = yearOf(to);
  const years = Array.from({ length: YEARS_SHOWN }, (_, i) => thisYear - i);
  return { from: `${thisYear - YEARS_SHOWN + 1}-01`, to, years };
}
