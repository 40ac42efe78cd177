import { z } from 'zod';

/** Control characters (line breaks and tabs included), and the Unicode line and paragraph separators. */
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** Control characters a text of several lines may not hold (it keeps line breaks and tabs). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** A label or a title: one line of plain text, trimmed, 1..max characters. Markup is kept as text (pages escape it). */
export const oneLineText = (max: number) => z.string().trim().min(1).max(max)
  .refine((text) => !LINE_BREAKING.test(text), { message: 'home.admin.oneLine' });

/** An article's body: plain text of several lines (CRLF becomes LF), 1..max characters, no control characters. */
export const plainTextBody = (max: number) => z.string().transform((text) => text.replace(/\r\n?/g, '\n').trim()).pipe(
  z.string().min(1).max(max).refine((text) => !CONTROL.test(text), { message: 'home.admin.controlCharacters' }),
);

/** Adds a `duplicateId` problem to each item of a list whose `id` an earlier item already has. */
export function uniqueIds(items: Array<{ id: string }>, ctx: z.RefinementCtx, listName: string): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [listName, index, 'id'], message: 'home.admin.duplicateId' });
    seen.add(item.id);
  });
}
