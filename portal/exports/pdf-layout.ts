/** Geometry of the statement PDF: A4 portrait, points (1/72 inch). */

export const PAGE = { size: 'A4', width: 595.28, height: 841.89, margin: 40 } as const;
export const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
/** Rows stop here; below is the footer with the insurer and insured names and the page number. */
export const TABLE_BOTTOM = PAGE.height - PAGE.margin - 24;
export const FOOTER_Y = PAGE.height - PAGE.margin - 10;

export const FONT_SIZE = { title: 16, heading: 11, body: 9, table: 8, footer: 7.5 } as const;
export const CELL_PADDING = 3;
/** Noto CJK's line height is ~1.45 em; table cells close it up a little. */
export const TABLE_LINE_GAP = -1.5;
export const HEADER_ROW_HEIGHT = 16;
export const GRID_COLOR = '#8a8a8a';
export const HEADER_FILL = '#eef2f7';

export type ColumnKey =
  | 'month' | 'patient' | 'facility' | 'totalCost' | 'insurerPaid' | 'publicPaid' | 'selfPaid' | 'note';

export interface Column {
  key: ColumnKey;
  title: string;
  width: number;
  align: 'left' | 'right' | 'center';
}

/** The seed's statement table; the three breakdown columns sit under one 医療費の内訳 heading. */
export const COLUMNS: readonly Column[] = [
  { key: 'month', title: '診療年月', width: 48, align: 'center' },
  { key: 'patient', title: '受診者', width: 72, align: 'left' },
  { key: 'facility', title: '医療機関\n診療区分/日数(回数)', width: 143, align: 'left' },
  { key: 'totalCost', title: '医療費総額', width: 56, align: 'right' },
  { key: 'insurerPaid', title: '保険者負担額', width: 56, align: 'right' },
  { key: 'publicPaid', title: '公費負担額', width: 50, align: 'right' },
  { key: 'selfPaid', title: '自己負担額', width: 54, align: 'right' },
  { key: 'note', title: '備考', width: 36, align: 'left' },
];

export const BREAKDOWN_KEYS: readonly ColumnKey[] = ['insurerPaid', 'publicPaid', 'selfPaid'];
export const BREAKDOWN_TITLE = '医療費の内訳';
