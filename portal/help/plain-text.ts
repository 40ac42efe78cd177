/**
 * Help articles are plain text that union staff will write: this turns such text into a structure
 * a template renders with escaping, so no text can ever become markup. Blank lines part paragraphs;
 * lines starting with "- " are list items (a following line without "- " continues the item);
 * bare http(s) URLs and paths of this site (/u/alpha/medical/) become links, nothing else does.
 */

export type Inline = { kind: 'text'; text: string } | { kind: 'link'; href: string; text: string };
/** Lines of a paragraph or a list item; a template puts a line break between them. */
export type Lines = Inline[][];
export type Block = { kind: 'paragraph'; lines: Lines } | { kind: 'list'; items: Lines[] };

const URL_CHARS = "A-Za-z0-9\\-._~%!$&'()*+,;=:@/?#";
/**
 * An absolute http(s) URL, or a path of this site: a '/' at the start, after a space, an opening
 * bracket or a Japanese character (not inside "and/or", "1/2" or "</b>"), and not followed by a
 * second slash or a backslash, which browsers read as another host ("//evil.example").
 */
const LINK = new RegExp(
  `(?<![A-Za-z0-9])https?://[${URL_CHARS}]+|(?<=^|[\\s(\\[]|[^\\x00-\\x7f])/(?![/\\\\])[${URL_CHARS.replace("'()", '')}]+`,
  'gi',
);
/** Sentence punctuation a link does not end with ("see https://example.jp/faq."). */
const TRAILING = /[.,;:!?']+$/;

/** The part of a match that is the link: without sentence punctuation, nor a closing bracket whose opening one is outside it. */
function trimLink(candidate: string): string {
  let link = candidate.replace(TRAILING, '');
  while (link.endsWith(')') && (link.match(/\(/g)?.length ?? 0) < (link.match(/\)/g)?.length ?? 0)) {
    link = link.slice(0, -1).replace(TRAILING, '');
  }
  return link;
}

/** Only http(s) URLs with a host, and paths that stay on this site, are links. */
export function isSafeHref(href: string): boolean {
  if (href.startsWith('/')) {
    if (/^\/[/\\]/.test(href)) return false;
    try {
      return new URL(href, 'http://portal.invalid').origin === 'http://portal.invalid';
    } catch {
      return false;
    }
  }
  try {
    const url = new URL(href);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** One line of text as text and links. */
export function linkify(line: string): Inline[] {
  const parts: Inline[] = [];
  const pushText = (text: string) => {
    if (!text) return;
    const last = parts.at(-1);
    if (last?.kind === 'text') last.text += text;
    else parts.push({ kind: 'text', text });
  };
  let at = 0;
  for (const match of line.matchAll(LINK)) {
    const link = trimLink(match[0]);
    if (!isSafeHref(link)) continue;
    pushText(line.slice(at, match.index));
    parts.push({ kind: 'link', href: link, text: link });
    at = match.index + link.length;
  }
  pushText(line.slice(at));
  return parts;
}

const LIST_ITEM = /^\s*- +/;
// Control characters other than tab and newline have no place in a help text (nor in HTML).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** A help article's body as paragraphs and lists of text and links. */
export function parsePlainText(text: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  for (const raw of text.replace(/\r\n?/g, '\n').replace(CONTROL, '').split('\n')) {
    const line = raw.trimEnd();
    if (line.trim() === '') {
      current = undefined;
      continue;
    }
    if (LIST_ITEM.test(line)) {
      if (current?.kind !== 'list') blocks.push(current = { kind: 'list', items: [] });
      current.items.push([linkify(line.replace(LIST_ITEM, ''))]);
    } else if (current?.kind === 'list') {
      current.items.at(-1)!.push(linkify(line.trim()));
    } else {
      if (!current) blocks.push(current = { kind: 'paragraph', lines: [] });
      current.lines.push(linkify(line.trim()));
    }
  }
  return blocks;
}
