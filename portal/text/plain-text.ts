/**
 * Text the union writes — a help article, a notice, a MY mail and its thread — is plain text, never
 * HTML. This turns it into a structure that views/portal/_plain-text.ejs renders with every piece
 * escaped, so no text can ever become markup:
 * - blank lines part paragraphs; a single line break stays a line break;
 * - lines starting with "- " are list items (a following line without "- " continues the item);
 * - bare `https://` addresses with a host (and no user:password) and paths of this site
 *   (`/u/alpha/medical/`, where a word starts) become links. Nothing else does: no `http:`,
 *   `javascript:`, `data:` or `mailto:`, no `//host` or `/\host` (browsers read both as another host).
 */

export type Inline =
  | { kind: 'text'; text: string }
  /** `external`: an https address on another site (the page gives it rel="noopener noreferrer"). */
  | { kind: 'link'; href: string; text: string; external: boolean };
/** One line: text and links. */
export type Line = Inline[];
/** Lines of a paragraph or a list item; the view puts a line break between them. */
export type Lines = Line[];
export type Block = { kind: 'paragraph'; lines: Lines } | { kind: 'list'; items: Lines[] };

/** Characters a link may hold: printable ASCII but spaces, quotes, angle brackets, backslash and the like. */
const URL_CHARS = "[A-Za-z0-9\\-._~%!$&'()*+,;=:@/?#\\[\\]]";
/**
 * `https://…` not inside a word; or a '/' where a word starts — at the start, after a space, an
 * opening bracket or Japanese text, not inside "and/or", "1/2" or "</b>" — that a second slash or
 * a backslash does not follow.
 */
const LINK = new RegExp(
  `(?<![A-Za-z0-9])https://${URL_CHARS}+|(?<=^|[\\s(\\[]|[^\\x00-\\x7f])/(?![/\\\\])${URL_CHARS}+`,
  'gi',
);
/** Punctuation that ends a sentence rather than the address: 「https://example.jp/a.」 */
const TRAILING = /[.,;:!?'*]+$/;

/** Drops what the sentence around a link ends with: trailing punctuation and closing brackets the link did not open. */
function trimLink(candidate: string): string {
  const count = (text: string, char: string) => text.split(char).length - 1;
  let link = candidate.replace(TRAILING, '');
  for (let trimmed = true; trimmed;) {
    trimmed = false;
    for (const [open, close] of [['(', ')'], ['[', ']']]) {
      if (link.endsWith(close) && count(link, close) > count(link, open)) {
        link = link.slice(0, -1).replace(TRAILING, '');
        trimmed = true;
      }
    }
  }
  return link;
}

const SITE = 'https://portal.invalid';

/** The link a candidate may be, or undefined when it must stay text. */
function linkOf(text: string): Extract<Inline, { kind: 'link' }> | undefined {
  try {
    if (text.startsWith('/')) {
      // The pattern already refuses "//" and "/\"; resolving it proves the path stays on this site.
      return new URL(text, SITE).origin === SITE ? { kind: 'link', href: text, text, external: false } : undefined;
    }
    const url = new URL(text);
    return url.protocol === 'https:' && url.hostname && !url.username && !url.password
      ? { kind: 'link', href: url.href, text, external: true }
      : undefined;
  } catch {
    return undefined;
  }
}

/** One line of text as text and links. */
function lineOf(line: string): Line {
  const parts: Line = [];
  const pushText = (text: string) => {
    if (!text) return;
    const last = parts.at(-1);
    if (last?.kind === 'text') last.text += text;
    else parts.push({ kind: 'text', text });
  };
  let at = 0;
  for (const match of line.matchAll(LINK)) {
    const link = linkOf(trimLink(match[0]));
    if (!link) continue;
    pushText(line.slice(at, match.index));
    parts.push(link);
    at = match.index + link.text.length;
  }
  pushText(line.slice(at));
  return parts;
}

const LIST_ITEM = /^\s*- +/;
// Control characters other than tab and line breaks have no place in the text (nor in HTML).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
/** Spaces and tabs around a line, which HTML would collapse anyway; a full-width indent (　) is kept as written. */
const trimSpaces = (line: string) => line.replace(/^[ \t]+|[ \t]+$/g, '');

/** Plain text as paragraphs and lists of text and links, for views/portal/_plain-text.ejs. */
export function parsePlainText(text: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  for (const line of text.replace(/\r\n?/g, '\n').replace(CONTROL, '').split('\n')) {
    if (line.trim() === '') {
      current = undefined;
    } else if (LIST_ITEM.test(line)) {
      if (current?.kind !== 'list') blocks.push(current = { kind: 'list', items: [] });
      current.items.push([lineOf(trimSpaces(line.replace(LIST_ITEM, '')))]);
    } else if (current?.kind === 'list') {
      current.items.at(-1)!.push(lineOf(trimSpaces(line)));
    } else {
      if (!current) blocks.push(current = { kind: 'paragraph', lines: [] });
      current.lines.push(lineOf(trimSpaces(line)));
    }
  }
  return blocks;
}
