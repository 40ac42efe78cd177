import { z } from 'zod';
import { LOCALES, type Locale } from '../../i18n/locale.js';
import type { Database } from '../../migrations/database.js';
import { defaultHelp } from '../help/default-help.js';
import { HELP_ARTICLE_ID, type HelpArticle, type HelpKind } from '../help/help-content.js';
import { deleteHelpArticles, replaceHelpArticles, storedHelpArticles } from '../help/stored-help.js';
import type { AdminCall, AdminFeature } from './admin-api.js';
import { notFound, parse } from './api-error.js';
import { oneLineText, plainTextBody, uniqueIds } from './text-fields.js';

const KINDS: readonly HelpKind[] = ['guide', 'faq'];
export const ARTICLE_ID_MAX = 40;
export const ARTICLE_TITLE_MAX = 100;
export const ARTICLE_BODY_MAX = 10_000;
/** More than the defaults hold (25 questions), fewer than a page anyone would read through. */
export const MAX_ARTICLES = 100;

const localeQuery = z.object({ locale: z.enum(LOCALES) }).strict();

const articleInput = z.object({
  id: z.string().min(1).max(ARTICLE_ID_MAX).regex(HELP_ARTICLE_ID, { message: 'home.admin.id' }),
  title: oneLineText(ARTICLE_TITLE_MAX),
  body: plainTextBody(ARTICLE_BODY_MAX),
}).strict();

const articlesInput = z.object({
  articles: z.array(articleInput).min(1, { message: 'home.admin.noArticles' }).max(MAX_ARTICLES, { message: 'home.admin.tooManyArticles' }),
}).strict().superRefine((body, ctx) => uniqueIds(body.articles, ctx, 'articles'));

/** `/help/{kind}`: ご利用案内 (guide) or よくある質問 (faq); any other kind is not a resource. */
function kindOf(call: AdminCall): HelpKind {
  const kind = KINDS.find((k) => k === call.req.params.kind);
  if (!kind) throw notFound();
  return kind;
}

/** What members of this union read for one kind and language: the stored articles, or the defaults. */
async function currentHelp(db: Database, unionSlug: string, locale: Locale, kind: HelpKind) {
  const stored = await storedHelpArticles(db, unionSlug, locale, kind);
  const articles: HelpArticle[] = stored.length > 0 ? stored : defaultHelp(unionSlug, locale)[kind];
  return { kind, locale, isDefault: stored.length === 0, articles: articles.map(({ id, title, body }) => ({ id, title, body })) };
}

/** ご利用案内 and よくある質問 per language: read (stored or default), replaced as a whole list, or returned to the defaults. */
export function helpAdmin(db: Database): AdminFeature {
  const error = { $ref: '#/components/responses/Error' };
  const parameters = [
    { name: 'kind', in: 'path', required: true, description: 'guide: ご利用案内; faq: よくある質問', schema: { type: 'string', enum: KINDS } },
    { name: 'locale', in: 'query', required: true, description: 'the language of the pages these articles are for', schema: { type: 'string', enum: LOCALES } },
  ];
  const content = { description: 'what members reading this language see', content: { 'application/json': { schema: { $ref: '#/components/schemas/HelpContent' } } } };
  return {
    paths: {
      '/help/{kind}': {
        parameters,
        get: {
          summary: 'The articles members read on /help (guide) or /faq (faq) in one language: the union\'s own, or the defaults (isDefault)',
          responses: { 200: content, 400: error, 401: error, 403: error, 404: error },
        },
        put: {
          summary: 'Replace the articles of this kind and language with the union\'s own list, in order (they replace the defaults as a whole)',
          description: 'Bodies are plain text, never HTML: blank lines separate paragraphs, lines starting with "- " are list items, '
            + 'https:// URLs and paths of the portal (/u/<union>/…) become links; anything else, markup included, is shown as typed. '
            + 'The request body may be at most 256 KB.',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/HelpArticles' } } } },
          responses: { 200: content, 400: error, 401: error, 403: error, 404: error, 413: error, 415: error },
        },
        delete: {
          summary: 'Forget the union\'s articles of this kind and language: members read the defaults again (answers with them)',
          responses: { 200: content, 400: error, 401: error, 403: error, 404: error },
        },
      },
    },
    schemas: {
      HelpArticle: {
        type: 'object',
        required: ['id', 'title', 'body'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: HELP_ARTICLE_ID.source, maxLength: ARTICLE_ID_MAX, description: 'unique in the list; the page\'s anchor is #<kind>-<id>' },
          title: { type: 'string', minLength: 1, maxLength: ARTICLE_TITLE_MAX, description: 'the guide\'s heading or the question; one line' },
          body: { type: 'string', minLength: 1, maxLength: ARTICLE_BODY_MAX, description: 'plain text (see PUT)' },
        },
      },
      HelpArticles: {
        type: 'object',
        required: ['articles'],
        additionalProperties: false,
        properties: { articles: { type: 'array', minItems: 1, maxItems: MAX_ARTICLES, items: { $ref: '#/components/schemas/HelpArticle' } } },
      },
      HelpContent: {
        type: 'object',
        required: ['kind', 'locale', 'isDefault', 'articles'],
        properties: {
          kind: { type: 'string', enum: KINDS },
          locale: { type: 'string', enum: LOCALES },
          isDefault: { type: 'boolean', description: 'true: the union has stored none, members read the defaults' },
          articles: { type: 'array', items: { $ref: '#/components/schemas/HelpArticle' } },
        },
      },
    },
    routes(api) {
      const target = (call: AdminCall) => {
        const kind = kindOf(call);
        const { locale } = parse(localeQuery, call.req.query, '(query)');
        call.audit.target = `help:${kind}:${locale}`;
        return { kind, locale };
      };
      api.get('/help/:kind', 'admin.help.read', async (call) => {
        const { kind, locale } = target(call);
        return { body: await currentHelp(db, call.union.slug, locale, kind) };
      });
      api.put('/help/:kind', 'admin.help.replace', async (call) => {
        const { kind, locale } = target(call);
        const { articles } = parse(articlesInput, call.req.body);
        await replaceHelpArticles(db, call.union.slug, locale, kind, articles);
        call.audit.detail = { count: articles.length, ids: articles.map((a) => a.id) };
        return { body: await currentHelp(db, call.union.slug, locale, kind) };
      });
      api.delete('/help/:kind', 'admin.help.reset', async (call) => {
        const { kind, locale } = target(call);
        call.audit.detail = { deleted: await deleteHelpArticles(db, call.union.slug, locale, kind) };
        return { body: await currentHelp(db, call.union.slug, locale, kind) };
      });
    },
  };
}
