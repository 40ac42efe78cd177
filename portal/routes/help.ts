import { Router, type Request, type Response } from 'express';
import type { PortalUnion } from '../config.js';
import { anchorOf, type HelpArticle, type HelpSource } from '../help/help-content.js';
import { parsePlainText } from '../text/plain-text.js';
import { parseHelpQuery, searchHelp, type HelpMatch } from '../help/search.js';
import { csrfToken } from '../http/security.js';
import { requireMember } from './home.js';

/** An article as the pages show it: its anchor, its title and its body already parsed (never HTML). */
const viewOf = (article: HelpArticle, match?: HelpMatch) => ({
  anchor: anchorOf(article), title: article.title, blocks: parsePlainText(article.body), excerpt: match?.excerpt,
});

/** ご利用案内 (/help) and よくある質問 (/faq, with its search), for logged-in members, from the union's help content. */
export function helpRoutes(source: HelpSource): Router {
  const router = Router({ mergeParams: true });

  const union = (res: Response) => res.locals.union as PortalUnion;
  const contentOf = (res: Response) => source.contentFor(union(res).slug, res.locals.lang);
  const render = (req: Request, res: Response, view: string, locals: object) => {
    const { name, slug } = union(res);
    res.render(`portal/help/${view}`, {
      brand: name, slug, member: res.locals.member, csrf: csrfToken(req), base: `/u/${slug}`, ...locals,
    });
  };

  router.get('/help', requireMember, async (req, res) => {
    const { guide } = await contentOf(res);
    render(req, res, 'guide', { title: res.locals.t('help.guideTitle'), articles: guide.map((a) => viewOf(a)) });
  });

  router.get('/faq', requireMember, async (req, res) => {
    const { faq } = await contentOf(res);
    const parsed = parseHelpQuery(req.query.q);
    if (parsed.state === 'invalid') {
      // Every question stays listed; the box keeps what was typed, to be shortened.
      return render(req, res.status(400), 'faq', {
        title: res.locals.t('help.faqTitle'), query: typeof req.query.q === 'string' ? req.query.q : '', searched: false,
        error: res.locals.text.say(parsed.said), questions: faq.map((a) => viewOf(a)),
      });
    }
    const { query } = parsed;
    const matches = searchHelp(faq, query);
    const searched = query !== '';
    render(req, res, 'faq', {
      title: searched ? res.locals.t('help.resultsTitle', { query, count: matches.length }) : res.locals.t('help.faqTitle'),
      query, searched, error: undefined, questions: matches.map((m) => viewOf(m.article, m)),
    });
  });

  return router;
}
