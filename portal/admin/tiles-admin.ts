import { z } from 'zod';
import type { Database } from '../../migrations/database.js';
import { listTiles, replaceTiles } from '../home/tiles-repository.js';
import {
  isTileUrl, MAX_TILES, TILE_DESCRIPTION_MAX, TILE_ID, TILE_ID_MAX, TILE_LABEL_MAX, TILE_URL_MAX, type PortalTile,
} from '../home/tiles.js';
import type { AdminFeature } from './admin-api.js';
import { parse } from './api-error.js';
import { oneLineText, uniqueIds } from './text-fields.js';

const optionalLine = (max: number) => oneLineText(max).nullable().optional().transform((text) => text ?? null);

const tileInput = z.object({
  id: z.string().min(1).max(TILE_ID_MAX).regex(TILE_ID, { message: 'home.admin.id' }),
  labelJa: oneLineText(TILE_LABEL_MAX),
  labelEn: optionalLine(TILE_LABEL_MAX),
  descriptionJa: optionalLine(TILE_DESCRIPTION_MAX),
  descriptionEn: optionalLine(TILE_DESCRIPTION_MAX),
  url: z.string().min(1).max(TILE_URL_MAX).refine(isTileUrl, { message: 'home.admin.tileUrl' }),
}).strict();

const tilesInput = z.object({
  tiles: z.array(tileInput).max(MAX_TILES, { message: 'home.admin.tooManyTiles' }),
}).strict().superRefine((body, ctx) => uniqueIds(body.tiles, ctx, 'tiles'));

const line = (maxLength: number, description: string) => ({ type: 'string', minLength: 1, maxLength, description });
const nullableLine = (maxLength: number, description: string) => ({ type: ['string', 'null'], minLength: 1, maxLength, description });

/** The top page's service tiles after the built-in 医療費情報: read, and replaced as a whole ordered list. */
export function tilesAdmin(db: Database): AdminFeature {
  const error = { $ref: '#/components/responses/Error' };
  const tiles = { description: 'the union\'s tiles, in the order the top page shows them', content: { 'application/json': { schema: { $ref: '#/components/schemas/Tiles' } } } };
  return {
    paths: {
      '/tiles': {
        get: {
          summary: 'The service tiles members see on the portal\'s top page, after the built-in 医療費情報 (medical expenses)',
          responses: { 200: tiles, 401: error, 403: error },
        },
        put: {
          summary: `Replace the whole ordered list of tiles (at most ${MAX_TILES}; an empty list leaves only 医療費情報)`,
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Tiles' } } } },
          responses: { 200: tiles, 400: error, 401: error, 403: error, 413: error, 415: error },
        },
      },
    },
    schemas: {
      Tiles: {
        type: 'object',
        required: ['tiles'],
        additionalProperties: false,
        properties: { tiles: { type: 'array', maxItems: MAX_TILES, items: { $ref: '#/components/schemas/Tile' } } },
      },
      Tile: {
        type: 'object',
        required: ['id', 'labelJa', 'url'],
        additionalProperties: false,
        description: 'A link to another of the union\'s services. Texts are plain text on one line (markup is shown as typed); '
          + 'an English page uses labelJa/descriptionJa where the English is null.',
        properties: {
          id: { type: 'string', pattern: TILE_ID.source, maxLength: TILE_ID_MAX, description: 'unique in the list, e.g. "health-checkup"' },
          labelJa: line(TILE_LABEL_MAX, 'e.g. 人間ドック等予約'),
          labelEn: nullableLine(TILE_LABEL_MAX, 'e.g. Health checkup booking'),
          descriptionJa: nullableLine(TILE_DESCRIPTION_MAX, 'one line under the label'),
          descriptionEn: nullableLine(TILE_DESCRIPTION_MAX, 'one line under the label'),
          url: {
            type: 'string', maxLength: TILE_URL_MAX,
            description: 'an https:// URL (e.g. another relying party of this issuer), or a path of the portal starting with one "/"; nothing else (no http:, javascript:, //host)',
          },
        },
      },
    },
    routes(api) {
      const body = (list: PortalTile[]) => ({ tiles: list });
      api.get('/tiles', 'admin.tiles.read', async ({ union }) => ({ body: body(await listTiles(db, union.slug)) }));
      api.put('/tiles', 'admin.tiles.replace', async ({ req, union, audit }) => {
        const input = parse(tilesInput, req.body);
        await replaceTiles(db, union.slug, input.tiles);
        audit.detail = { count: input.tiles.length, ids: input.tiles.map((t) => t.id) };
        return { body: body(await listTiles(db, union.slug)) };
      });
    },
  };
}
