import type { Database } from '../../migrations/database.js';
import type { PortalTile } from './tiles.js';

interface Row {
  id: string; label_ja: string; label_en: string | null; description_ja: string | null; description_en: string | null; url: string;
}

const fromRow = (r: Row): PortalTile => ({
  id: r.id, labelJa: r.label_ja, labelEn: r.label_en, descriptionJa: r.description_ja, descriptionEn: r.description_en, url: r.url,
});

/** The union's tiles in the order the top page shows them. */
export async function listTiles(db: Database, unionSlug: string): Promise<PortalTile[]> {
  const rows: Row[] = await db('portal_tiles').where({ union_slug: unionSlug }).orderBy('position');
  return rows.map(fromRow);
}

/** Replaces the union's whole list of tiles (validated by the caller) in one transaction. */
export async function replaceTiles(db: Database, unionSlug: string, tiles: PortalTile[]): Promise<void> {
  const now = Date.now();
  await db.transaction(async (trx) => {
    await trx('portal_tiles').where({ union_slug: unionSlug }).delete();
    if (tiles.length === 0) return;
    await trx('portal_tiles').insert(tiles.map((tile, position) => ({
      union_slug: unionSlug, id: tile.id, position, label_ja: tile.labelJa, label_en: tile.labelEn,
      description_ja: tile.descriptionJa, description_en: tile.descriptionEn, url: tile.url, updated_at: now,
    })));
  });
}
