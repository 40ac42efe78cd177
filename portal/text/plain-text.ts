/**
 * Text the union writes (a notice's body) is plain text, never HTML. A page shows it as paragraphs
 * (separated by blank lines) of segments: text, line breaks, and links found in the text — bare
 * `https://` addresses and site-relative `/paths`, nothing else (no `javascript:`, no `http:`, no
 * protocol-relative `//host`). The template escapes every segment; nothing here produces markup.
 */
export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'link'; href: string; text: string }
  | { kind: 'break' };

export type Paragraph = Segment[];

/** Characters a link may hold: printable ASCII except spaces, quotes, angle brackets, backslash and the like. */
const URL_CHARS = "[A-Za-z0-9\\-._~%!$&'()*+,;=:@/?#\\[\\]]";
/**
 * `https://…`, or `/…` where a word starts: after a space, a bracket or Japanese text — not after
 * other ASCII (`and/or`, `</b>`), and not `//` or `/\\`, which browsers read as another host.
 */
const LINK = new RegExp(`https://${URL_CHARS}+|(?<![\\x21-\\x27\\x29-\\x7e])/(?![/\\\\])${URL_CHARS}*`, 'g');
/** Punctuation that ends a sentence rather than the address: 「https://example.jp/a.」 */
const TRAILING = /[.,;:!?'*]+$/;

/** Drops what the sentence around a link ends with: trailing punctuation and unbalanced closing brackets. */
function trimLink(candidate: string): string {
  let link = candidate.replace(TRAILING, '');
  for (const [open, close] of [['(', ')'], ['[', ']']]) {
    while (link.endsWith(close) && link.split(close).length > link.split(open).length) link = link.slice(0, -1).replace(TRAILING, '');
  }
  return link;
}

/** The address a candidate may link to, or undefined when it must stay text. */
function linkTarget(text: string): string | undefined {
  if (text.startsWith('/')) return text;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.hostname ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function segmentsOfLine(line: string): Segment[] {
  const segments: Segment[] = [];
  const pushText = (text: string) => {
    if (!text) return;
    const last = segments.at(-1);
    if (last?.kind === 'text') last.text += text;
    else segments.push({ kind: 'text', text });
  };
  let at = 0;
  for (const match of line.matchAll(LINK)) {
    const text = trimLink(match[0]);
    const href = text.length > 1 ? linkTarget(text) : undefined;
    pushText(line.slice(at, match.index));
    if (href) segments.push({ kind: 'link', href, text });
    else pushText(text);
    at = match.index + text.length;
  }
  pushText(line.slice(at));
  return segments;
}

/** Splits plain text into paragraphs of segments, for a template to render with escaping. */
export function paragraphsOf(text: string): Paragraph[] {
  return text.replace(/\r\n?/g, '\n').split(/\n(?:[ \t\u3000]*\n)+/)
    .map((block) => block.replace(/^(?:[ \t\u3000]*\n)+|(?:\n[ \t\u3000]*)+$/g, ''))
    .filter((block) => block.trim() !== '')
    .map((block) => block.split('\n').flatMap((line, i) => [...(i > 0 ? [{ kind: 'break' } as const] : []), ...segmentsOfLine(line)]));
}
