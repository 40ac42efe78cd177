import { jstTime } from './jst.js';

/** A maintenance window, epoch ms: the service stops at `start` and is back at `end`. */
export interface MaintenanceWindow {
  start: number;
  end: number;
}

const THURSDAY = 4;

/**
 * The seed's regular maintenance: 毎月第3木曜日の19時～22時 (Japan time). The weekday of a calendar
 * date is the same everywhere, so it is read from the UTC date of that day.
 */
export function thirdThursdayWindow(year: number, month: number): MaintenanceWindow {
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`no such month: ${year}-${month}`);
  const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  const day = 1 + ((THURSDAY - firstWeekday + 7) % 7) + 14;
  return { start: jstTime(year, month, day, 19), end: jstTime(year, month, day, 22) };
}
