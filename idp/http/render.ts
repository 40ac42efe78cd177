import path from 'node:path';
import ejs from 'ejs';
import { languageLinks } from '../../i18n/locale.js';
import { textOf } from '../i18n/text.js';
import { viewsDir } from '../../project/paths.js';

const cache = process.env.NODE_ENV !== 'development';

/** The page's URL for the switch: a console notice is a one-time message (and only a key), never carried on. */
function switchableUrl(url: string): string {
  const parsed = new URL(url, 'http://x');
  parsed.searchParams.delete('notice');
  return `${parsed.pathname}${parsed.search}`;
}

type PageContext = Parameters<typeof textOf>[0] & { method: string; url: string };

/**
 * Renders `views/<view>.ejs` inside `views/layout.ejs` in the request's language: templates get
 * `t` and `say` (idp/i18n) and `lang`; a page answering a GET offers the language switch (a POST's answer
 * cannot be asked for again by a link). EJS escapes every `<%=` value.
 */
export async function renderPage(ctx: PageContext, view: string, locals: Record<string, unknown> & { title: string }): Promise<string> {
  const text = textOf(ctx);
  const languageNav = ctx.method === 'GET' ? { label: text.t('common.languageSwitch'), links: languageLinks(switchableUrl(ctx.url), text.locale) } : undefined;
  const options = { cache, async: true };
  const data = { t: text.t, say: text.say, lang: text.locale, ...locals };
  const body = await ejs.renderFile(path.join(viewsDir, `${view}.ejs`), data, options);
  return ejs.renderFile(path.join(viewsDir, 'layout.ejs'), { brand: undefined, header: undefined, languageNav, ...data, body }, options);
}
