/** Dates in mails are Japan time, whatever the server's time zone, in the reader's language. */
const JST_OPTIONS: Intl.DateTimeFormatOptions = {
  timeZone: 'Asia/Tokyo', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
};
const JST = new Intl.DateTimeFormat('ja-JP', JST_OPTIONS);
const JST_EN = new Intl.DateTimeFormat('en-GB', { ...JST_OPTIONS, month: 'long' });

const partsOf = (format: Intl.DateTimeFormat, at: Date) => {
  const parts = format.formatToParts(at);
  return (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
};

/** 2026年12月1日 22:15 */
export function formatJst(at: Date): string {
  const part = partsOf(JST, at);
  return `${part('year')}年${part('month')}月${part('day')}日 ${part('hour')}:${part('minute')}`;
}

/** 1 December 2026, 22:15 */
export function formatJstInEnglish(at: Date): string {
  const part = partsOf(JST_EN, at);
  return `${part('day')} ${part('month')} ${part('year')}, ${part('hour')}:${part('minute')}`;
}
