/** One CSV record and the line it starts on (a quoted field may span lines). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

/**
 * RFC 4180 records: comma-separated, fields optionally in double quotes with `""` for a quote,
 * CRLF or LF line ends, a UTF-8 BOM ignored. Blank lines are skipped.
 */
export function parseCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let line = 1;
  let i = 0;
  while (i < input.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (input[i] === '"') {
        i += 1;
        for (;;) {
          if (i >= input.length) throw new CsvSyntaxError(start, 'a quoted field is not closed');
          const ch = input[i];
          if (ch === '"' && input[i + 1] === '"') { field += '"'; i += 2; continue; }
          if (ch === '"') { i += 1; break; }
          if (ch === '\n') line += 1;
          field += ch;
          i += 1;
        }
        if (i < input.length && input[i] !== ',' && input[i] !== '\n' && input[i] !== '\r') {
          throw new CsvSyntaxError(line, 'text after a closing quote (write "" for a quote inside a quoted field)');
        }
      } else {
        const end = nextDelimiter(input, i);
        field = input.slice(i, end);
        if (field.includes('"')) throw new CsvSyntaxError(line, 'a quote inside an unquoted field (quote the whole field)');
        i = end;
      }
      fields.push(field);
      if (input[i] === ',') { i += 1; continue; }
      break;
    }
    if (input[i] === '\r') i += 1;
    if (input[i] === '\n') i += 1;
    line += 1;
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
  }
  return records;
}

function nextDelimiter(input: string, from: number): number {
  let i = from;
  while (i < input.length && input[i] !== ',' && input[i] !== '\n' && input[i] !== '\r') i += 1;
  return i;
}
