/**
 * Just enough SpreadsheetML to fill a template's existing empty cells in place. We edit the XML inside
 * the package rather than load and re-save the workbook with a spreadsheet library, because a
 * library's round trip drops what the NTA form relies on (its protection, drawings, custom XML,
 * calculation chain) and rewrites its styles.
 */
import { escapeXml } from './xml-text.js';

export type CellValue = { text: string } | { number: number };

/** The workbook's shared-string table: reuses an existing plain string, appends new ones. */
export class SharedStrings {
  private readonly index = new Map<string, number>();
  private readonly added: string[] = [];
  private unique: number;
  private references = 0;

  constructor(private readonly xml: string) {
    const items = xml.match(/<si>[\s\S]*?<\/si>/g) ?? [];
    items.forEach((si, i) => {
      const plain = /^<si><t(?: [^>]*)?>([^<]*)<\/t>(?:<phoneticPr[^>]*\/>)?<\/si>$/.exec(si);
      if (plain && !this.index.has(plain[1])) this.index.set(plain[1], i);
    });
    this.unique = items.length;
  }

  /** Index of `text`, adding it when new; counts one more cell referring to the table. */
  ref(text: string): number {
    const escaped = escapeXml(text);
    this.references += 1;
    let i = this.index.get(escaped);
    if (i === undefined) {
      i = this.unique++;
      this.index.set(escaped, i);
      this.added.push(`<si><t xml:space="preserve">${escaped}</t></si>`);
    }
    return i;
  }

  toXml(): string {
    const bump = (xml: string, name: string, by: number) =>
      xml.replace(new RegExp(`(<sst\\b[^>]*\\b${name}=")(\\d+)`), (_m, head: string, n: string) => head + (Number(n) + by));
    const counted = bump(bump(this.xml, 'count', this.references), 'uniqueCount', this.added.length);
    return counted.replace('</sst>', () => `${this.added.join('')}</sst>`);
  }
}

/**
 * Fills empty template cells (`<c r="B9" s="6"/>`) of one `<row>`, keeping each cell's style. A cell
 * the template does not have as an empty cell is an error: the template is not the one we know.
 */
export function fillRow(rowXml: string, cells: Record<string, CellValue>, strings: SharedStrings): string {
  let xml = rowXml;
  for (const [ref, value] of Object.entries(cells)) {
    const empty = new RegExp(`<c r="${ref}"( s="\\d+")?/>`);
    const match = empty.exec(xml);
    if (!match) throw new Error(`xlsx template: no empty cell ${ref}`);
    const style = match[1] ?? '';
    const cell = 'text' in value
      ? `<c r="${ref}"${style} t="s"><v>${strings.ref(value.text)}</v></c>`
      : `<c r="${ref}"${style}><v>${value.number}</v></c>`;
    xml = xml.slice(0, match.index) + cell + xml.slice(match.index + match[0].length);
  }
  return xml;
}

/** Applies `fill` to each `<row r="n">` of a sheet that it returns a replacement for. */
export function mapRows(sheetXml: string, fill: (rowNumber: number, rowXml: string) => string): string {
  return sheetXml.replace(/<row r="(\d+)"[^>]*?(?:\/>|>[\s\S]*?<\/row>)/g, (rowXml, n: string) => fill(Number(n), rowXml));
}

/**
 * Sets the cached result of a formula cell, so readers that do not recalculate (and Excel before it
 * does) show the right figure: `<c r="C3" s="15" t="str"><f>…</f><v/></c>` → a number.
 */
export function setCachedNumber(sheetXml: string, ref: string, value: number): string {
  const formulaCell = new RegExp(`<c r="${ref}"( s="\\d+")?(?: t="\\w+")?>(<f>[^<]*</f>)(?:<v/>|<v>[^<]*</v>)</c>`);
  const match = formulaCell.exec(sheetXml);
  if (!match) throw new Error(`xlsx template: no formula cell ${ref}`);
  const cell = `<c r="${ref}"${match[1] ?? ''}>${match[2]}<v>${value}</v></c>`;
  return sheetXml.slice(0, match.index) + cell + sheetXml.slice(match.index + match[0].length);
}
