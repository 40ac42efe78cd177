/**
 * Draws the statement PDF's parts with pdfkit, top to bottom, breaking pages where rows no longer fit
 * (pdf-layout.ts has the geometry). What goes in the cells is decided by pdf.ts.
 */
import type { Statement } from '../medical/model.js';
import { dateJa, groupDigits, periodJa } from './format.js';
import {
  BREAKDOWN_KEYS, BREAKDOWN_TITLE, CELL_PADDING, COLUMNS, CONTENT_WIDTH, FONT_SIZE, FOOTER_Y, GRID_COLOR,
  HEADER_FILL, HEADER_ROW_HEIGHT, PAGE, TABLE_BOTTOM, TABLE_LINE_GAP, type Column, type ColumnKey,
} from './pdf-layout.js';
import { COLUMN_NOTES, STATEMENT_NOTES } from './statement-notes.js';

export type RowCells = Record<ColumnKey, string>;

/** Draws onto one pdfkit document, top to bottom; `y` is where the next thing goes. */
export class StatementWriter {
  private y: number = PAGE.margin;

  constructor(private readonly doc: PDFKit.PDFDocument, private readonly statement: Statement) {}

  private text(text: string, x: number, y: number, options: PDFKit.Mixins.TextOptions = {}) {
    this.doc.text(text, x, y, { lineGap: 1, ...options });
  }

  heading(): void {
    const { doc, statement } = this;
    doc.fontSize(FONT_SIZE.title);
    this.text('医療費明細', PAGE.margin, this.y);
    doc.fontSize(FONT_SIZE.body);
    this.text(`発行日 ${dateJa(statement.issuedAt)}`, PAGE.margin, this.y + 6, { width: CONTENT_WIDTH, align: 'right' });
    this.y += 28;
    this.text(`${periodJa(statement.period)} 診療分`, PAGE.margin, this.y);
    this.y += 18;
    const items: [string, string][] = [
      ['保険者等の名称', statement.union.name],
      ['被保険者等の氏名', `${statement.insured.name} 様`],
    ];
    for (const [label, value] of items) {
      this.text(label, PAGE.margin, this.y, { width: 90 });
      this.text(value, PAGE.margin + 95, this.y, { width: CONTENT_WIDTH - 95 });
      this.y += 15;
    }
    this.y += 4;
  }

  paidBox(total: number): void {
    const { doc } = this;
    const height = 30;
    doc.save().rect(PAGE.margin, this.y, CONTENT_WIDTH, height).fillAndStroke(HEADER_FILL, GRID_COLOR).restore();
    doc.fillColor('black').fontSize(FONT_SIZE.heading);
    this.text('あなたが支払った額', PAGE.margin + 10, this.y + 9);
    doc.fontSize(FONT_SIZE.title);
    this.text(`${groupDigits(total)}円`, PAGE.margin, this.y + 6, { width: CONTENT_WIDTH - 10, align: 'right' });
    this.y += height + 12;
  }

  /** Two header rows: 医療費の内訳 spans its three columns; the other titles span both rows. */
  tableHeader(): void {
    const { doc } = this;
    doc.fontSize(FONT_SIZE.table);
    const top = this.y;
    let x = PAGE.margin;
    for (const col of COLUMNS) {
      const inBreakdown = BREAKDOWN_KEYS.includes(col.key);
      const cellTop = inBreakdown ? top + HEADER_ROW_HEIGHT : top;
      const height = inBreakdown ? HEADER_ROW_HEIGHT : 2 * HEADER_ROW_HEIGHT;
      this.cellBox(x, cellTop, col.width, height, true);
      this.centredText(col.title, x, cellTop, col.width, height);
      x += col.width;
    }
    const breakdown = COLUMNS.filter((c) => BREAKDOWN_KEYS.includes(c.key));
    const bx = PAGE.margin + this.offsetOf(breakdown[0].key);
    const bw = breakdown.reduce((sum, c) => sum + c.width, 0);
    this.cellBox(bx, top, bw, HEADER_ROW_HEIGHT, true);
    this.centredText(BREAKDOWN_TITLE, bx, top, bw, HEADER_ROW_HEIGHT);
    this.y = top + 2 * HEADER_ROW_HEIGHT;
  }

  /** One table row; starts a new page (with the header again) when it would not fit. */
  row(cells: RowCells, emphasis = false): void {
    const height = this.rowHeight(cells);
    if (this.y + height > TABLE_BOTTOM) this.continueOnNewPage();
    let x = PAGE.margin;
    for (const col of COLUMNS) {
      this.cellBox(x, this.y, col.width, height, emphasis);
      this.cellText(cells[col.key], col, x, this.y);
      x += col.width;
    }
    this.y += height;
  }

  emptyRow(): void {
    const height = HEADER_ROW_HEIGHT + 4;
    this.cellBox(PAGE.margin, this.y, CONTENT_WIDTH, height, false);
    this.centredText('該当するデータはありません。', PAGE.margin, this.y, CONTENT_WIDTH, height);
    this.y += height;
  }

  notes(): void {
    const { doc } = this;
    const lines = [
      ...STATEMENT_NOTES.map((n) => `・${n}`),
      ...COLUMN_NOTES.map(([title, text]) => `・${title}：${text}`),
    ];
    this.y += 12;
    doc.fontSize(FONT_SIZE.heading);
    this.ensureSpace(40);
    this.text('医療費明細の見方', PAGE.margin, this.y);
    this.y += 18;
    doc.fontSize(FONT_SIZE.table);
    for (const line of lines) {
      const height = doc.heightOfString(line, { width: CONTENT_WIDTH, lineGap: 1 }) + 3;
      this.ensureSpace(height);
      this.text(line, PAGE.margin, this.y, { width: CONTENT_WIDTH });
      this.y += height;
    }
  }

  /** Every page: ① and ⑥ of the six items and "page / pages" (drawn last, once the count is known). */
  footers(): void {
    const { doc, statement } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottomMargin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0; // writing below the margin must not start a new page
      doc.fontSize(FONT_SIZE.footer).fillColor('#444444');
      const who = `保険者等の名称：${statement.union.name}　被保険者等の氏名：${statement.insured.name} 様`;
      this.text(who, PAGE.margin, FOOTER_Y, { width: CONTENT_WIDTH - 60, lineBreak: false });
      this.text(`${i + 1} / ${range.count}`, PAGE.margin, FOOTER_Y, { width: CONTENT_WIDTH, align: 'right' });
      doc.page.margins.bottom = bottomMargin;
    }
  }

  private continueOnNewPage(): void {
    this.doc.addPage();
    this.y = PAGE.margin;
    this.doc.fontSize(FONT_SIZE.body);
    this.text(`医療費明細（続き）　${periodJa(this.statement.period)} 診療分`, PAGE.margin, this.y);
    this.y += 18;
    this.tableHeader();
  }

  private ensureSpace(height: number): void {
    if (this.y + height <= TABLE_BOTTOM) return;
    this.doc.addPage();
    this.y = PAGE.margin;
  }

  private rowHeight(cells: RowCells): number {
    this.doc.fontSize(FONT_SIZE.table);
    const heights = COLUMNS.map((col) =>
      this.doc.heightOfString(cells[col.key] || ' ', { width: col.width - 2 * CELL_PADDING, lineGap: TABLE_LINE_GAP }));
    return Math.max(...heights) + 2 * CELL_PADDING;
  }

  private offsetOf(key: ColumnKey): number {
    let offset = 0;
    for (const col of COLUMNS) {
      if (col.key === key) return offset;
      offset += col.width;
    }
    throw new Error(`no column ${key}`);
  }

  private cellBox(x: number, y: number, width: number, height: number, filled: boolean): void {
    const rect = this.doc.save().lineWidth(0.5).rect(x, y, width, height);
    if (filled) rect.fillAndStroke(HEADER_FILL, GRID_COLOR);
    else rect.stroke(GRID_COLOR);
    this.doc.restore().fillColor('black');
  }

  private cellText(text: string, col: Column, x: number, y: number): void {
    this.text(text, x + CELL_PADDING, y + CELL_PADDING, {
      width: col.width - 2 * CELL_PADDING, align: col.align, lineGap: TABLE_LINE_GAP,
    });
  }

  private centredText(text: string, x: number, y: number, width: number, height: number): void {
    const textHeight = this.doc.heightOfString(text, { width, lineGap: 1 });
    this.text(text, x, y + (height - textHeight) / 2, { width, align: 'center' });
  }
}
