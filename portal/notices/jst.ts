/** Japan time has no daylight saving: +09:00 all year, so calendar arithmetic on a shifted UTC date is exact. */
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** A moment as a clock in Japan shows it (weekday 0 = Sunday). */
export interface JstParts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
}

export function jstParts(at: number): JstParts {
  const d = new Date(at + JST_OFFSET_MS);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(),
  };
}

/** The epoch ms of a Japan wall-clock time. */
export const jstTime = (year: number, month: number, day: number, hour = 0, minute = 0): number =>
  Date.UTC(year, month - 1, day, hour, minute) - JST_OFFSET_MS;

/** `19:00` */
export const clockOf = (p: Pick<JstParts, 'hour' | 'minute'>): string => `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;

export const sameJstDay = (a: JstParts, b: JstParts): boolean => a.year === b.year && a.month === b.month && a.day === b.day;
