/**
 * Plain text written by a union (a MY mail, a notice) laid out for a page: paragraphs at blank
 * lines, line breaks kept, bare https:// links made clickable. The result is data, not HTML; the
 * view (views/portal/_plain-text.ejs) escapes every piece, so no text ever becomes markup.
 */

export type Segment = { text: string; href?: undefined } | { text: string; href: string };
/** A paragraph is its lines; a line is text and links. */
export type Paragraph = Segment[][];

// Only the characters a URL may contain unescaped: a link ends at the first Japanese character or space.
const LINK = /https:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/g;
const TRAILING = /[.,;:!?'\]]+$/;

/** The link a match really is: sentence punctuation after it, or a closing bracket it did not open, is text. */
function trimLink(candidate: string): string {
  let link = candidate.replace(TRAILING, '');
  while (link.endsWith(')') && (link.match(/\(/g)?.length ?? 0) < (link.match(/\)/g)?.length ?? 0)) link = link.slice(0, -1).replace(TRAILING, '');
  return link;
}

const isHttpsUrl = (text: string) => {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.hostname.length > 0 && !url.username && !url.password;
  } catch {
    return false;
  }
};

function lineSegments(line: string): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const match of line.matchAll(LINK)) {
    const link = trimLink(match[0]);
    if (!isHttpsUrl(link)) continue;
    if (match.index > at) segments.push({ text: line.slice(at, match.index) });
    segments.push({ text: link, href: link });
    at = match.index + link.length;
  }
  if (at < line.length) segments.push({ text: line.slice(at) });
  return segments;
}

export function plainTextParagraphs(text: string): Paragraph[] {
  return text.replace(/\r\n?/g, '\n').split(/\n[ \t\u3000]*\n/)
    .map((paragraph) => paragraph.replace(/^\n+|\n+$/g, ''))
    .filter((paragraph) => paragraph.trim().length > 0)
    .map((paragraph) => paragraph.split('\n').map(lineSegments));
}
