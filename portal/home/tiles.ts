import type { Locale } from '../../i18n/locale.js';

/** Most tiles a union may configure besides the built-in 医療費情報: a phone's screen of choices. */
export const MAX_TILES = 12;
export const TILE_LABEL_MAX = 40;
export const TILE_DESCRIPTION_MAX = 100;
export const TILE_URL_MAX = 2000;
/** A tile's id, which the admin chooses: lower-case letters and digits joined by single hyphens. */
export const TILE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const TILE_ID_MAX = 40;

/**
 * A link on the top page to another of the union's services (人間ドック等予約, 健診結果照会 — usually
 * relying parties of the same issuer), in the union's order. Labels and descriptions are plain text;
 * English is optional and falls back to the Japanese.
 */
export interface PortalTile {
  id: string;
  labelJa: string;
  labelEn: string | null;
  descriptionJa: string | null;
  descriptionEn: string | null;
  url: string;
}

/**
 * Where a tile may lead: an https URL with a host and no credentials, or a path of this site
 * (`/u/alpha/…`; never `//host` or `/\host`, which browsers read as another host). Nothing else:
 * not `javascript:`, `data:`, nor plain `http:` (members sign in there with the same session).
 */
export function isTileUrl(url: string): boolean {
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return false;
  if (url.startsWith('/')) {
    if (/^\/[/\\]/.test(url)) return false;
    try {
      return new URL(url, 'https://portal.invalid').origin === 'https://portal.invalid';
    } catch {
      return false;
    }
  }
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.hostname !== '' && !parsed.username && !parsed.password;
  } catch {
    return false;
  }
}

/** A tile as one page shows it: text in the reader's language, `lang` set where it fell back to Japanese. */
export interface TileView {
  href: string;
  label: string;
  labelLang?: 'ja';
  description?: string;
  descriptionLang?: 'ja';
}

export function tileView(tile: PortalTile, locale: Locale): TileView {
  const english = locale === 'en';
  const label = english && tile.labelEn ? tile.labelEn : tile.labelJa;
  const description = (english ? tile.descriptionEn ?? tile.descriptionJa : tile.descriptionJa) ?? undefined;
  return {
    href: tile.url,
    label,
    ...(english && label === tile.labelJa && !tile.labelEn ? { labelLang: 'ja' as const } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(english && description !== undefined && !tile.descriptionEn ? { descriptionLang: 'ja' as const } : {}),
  };
}
