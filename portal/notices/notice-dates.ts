import { clockOf, jstParts, sameJstDay } from './jst.js';

/** How the notice pages write dates and maintenance windows, in Japan time whatever the server's zone. */

const JA_WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];
const EN_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `2025年12月1日` */
export function jaDate(at: number): string {
  const p = jstParts(at);
  return `${p.year}年${p.month}月${p.day}日`;
}

/** `1 December 2025` */
export function enDate(at: number): string {
  const p = jstParts(at);
  return `${p.day} ${EN_MONTHS[p.month - 1]} ${p.year}`;
}

/** `2025年12月17日(木) 19:00〜22:00`, or with the end's date when the window runs past midnight. */
export function jaWindow(start: number, end: number): string {
  const s = jstParts(start);
  const e = jstParts(end);
  const day = (p: typeof s) => `${p.year}年${p.month}月${p.day}日(${JA_WEEKDAYS[p.weekday]})`;
  return `${day(s)} ${clockOf(s)}〜${sameJstDay(s, e) ? '' : `${day(e)} `}${clockOf(e)}`;
}

/** `Thu 17 December 2025, 19:00–22:00 (Japan time)` */
export function enWindow(start: number, end: number): string {
  const s = jstParts(start);
  const e = jstParts(end);
  const day = (p: typeof s) => `${EN_WEEKDAYS[p.weekday]} ${p.day} ${EN_MONTHS[p.month - 1]} ${p.year}`;
  return `${day(s)}, ${clockOf(s)}–${sameJstDay(s, e) ? '' : `${day(e)}, `}${clockOf(e)} (Japan time)`;
}
