/**
 * CSV as Excel and print shops read it: UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting, and
 * text that a spreadsheet would run as a formula prefixed with an apostrophe. Shared by the
 * statement CSV and the IdP's postcard CSV.
 */
const BOM = '\uFEFF';

export function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(cells: readonly string[]): string {
  return cells.map(csvField).join(',');
}

/** The whole file from its lines (each already a CSV line). */
export function csvFile(lines: readonly string[]): Buffer {
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}
