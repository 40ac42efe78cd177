/**
 * Formatting the download builders share beyond the statement pages' own (portal/medical/format.ts,
 * period.ts). Dates are shown in Japan time whatever the server's zone, so a file issued at 00:30 JST
 * is not dated the day before.
 */
import type { CareCategory, Statement } from '../medical/model.js';
import { monthLabel } from '../medical/period.js';

/** 12345 → "12,345" */
export function groupDigits(yen: number): string {
  return yen.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** "2025年1月～2025年12月" */
export function periodJa(period: Statement['period']): string {
  return `${monthLabel(period.from)}～${monthLabel(period.to)}`;
}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000; // Japan has no daylight saving time

/** "2026-02-23": the calendar date in Japan. */
export function dateIso(date: Date): string {
  return new Date(date.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** "2026年2月23日" */
export function dateJa(date: Date): string {
  const [year, month, day] = dateIso(date).split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

/** Our 診療区分 in マイナポータル's words (its CSV knows 医科外来/医科入院/歯科外来/調剤). */
const MYNAPORTAL_CATEGORY: Record<CareCategory, string> = {
  入院: '医科入院',
  通院: '医科外来',
  歯科: '歯科外来',
  調剤: '調剤',
};

export function mynaportalCategory(category: CareCategory): string {
  return MYNAPORTAL_CATEGORY[category];
}
