import type { Relation } from './model.js';
import { CsvSyntaxError, parseCsvRecords } from './csv-records.js';
import type { CareCategory, Claim } from './model.js';
import { currentMonth } from './period.js';

/**
 * The claim import file (README "Medical data"): UTF-8, a header row naming these columns in any
 * order, one claim (one patient, one facility, one month) per row.
 */
export const CLAIM_COLUMNS = {
  claim_id: 'レセプト番号',
  insurer_number: '保険者番号',
  kigo: '記号',
  bango: '番号',
  edaban: '枝番',
  relation: '続柄',
  patient_name: '受診者',
  service_month: '診療年月',
  facility_name: '医療機関名',
  category: '診療区分',
  days: '日数(回数)',
  total_cost: '医療費総額',
  insurer_paid: '保険者負担額',
  public_paid: '公費負担額',
  self_paid: '自己負担額',
  note: '備考',
} as const;

export type ClaimColumn = keyof typeof CLAIM_COLUMNS;

const COLUMNS = Object.keys(CLAIM_COLUMNS) as ClaimColumn[];
export const CARE_CATEGORIES: readonly CareCategory[] = ['入院', '通院', '歯科', '調剤'];
const MAX_YEN = 999_999_999;

/** One validated row of the import file: a claim, and the union's id and household card for it. */
export interface ClaimRecord extends Claim {
  claimId: string;
  insurerNumber: string;
  kigo: string;
  bango: string;
  /** The patient's relation to the insured person. */
  relation: Relation;
}

export interface ClaimCsvError {
  line: number;
  /** The column at fault; absent for errors about the file or the row as a whole. */
  field?: ClaimColumn;
  message: string;
}

export type ClaimCsvResult = { ok: true; records: ClaimRecord[] } | { ok: false; errors: ClaimCsvError[] };

export interface ClaimCsvOptions {
  /** The union's insurer number: a file for another insurer is refused row by row. */
  insurerNumber: string;
  /** Claims cannot be for a month after this one (Japan time). */
  now: Date;
}

type Cells = Record<ClaimColumn, string>;
type FieldCheck = (cells: Cells, options: ClaimCsvOptions) => string | undefined;

const CONTROL = /[\u0000-\u001f\u007f]/u;
const CARD = /^[^\s<>&"'`]{1,32}$/u;

function checkText(value: string, max: number, required: boolean): string | undefined {
  if (!value) return required ? 'is required' : undefined;
  if (value.length > max) return `must be at most ${max} characters`;
  if (CONTROL.test(value)) return 'must not contain control characters';
  return undefined;
}

function checkYen(value: string): string | undefined {
  if (!/^\d{1,9}$/.test(value)) return `must be a whole number of yen from 0 to ${MAX_YEN.toLocaleString('en')} (digits only)`;
  return undefined;
}

/** One rule per column; each returns an English message for the operator, or nothing. */
const RULES: Record<ClaimColumn, FieldCheck> = {
  claim_id: (c) => (/^[A-Za-z0-9._:-]{1,64}$/.test(c.claim_id) ? undefined : 'must be 1–64 letters, digits or . _ : -'),
  insurer_number: (c, o) => {
    if (!/^\d{8}$/.test(c.insurer_number)) return 'must be 8 digits';
    return c.insurer_number === o.insurerNumber ? undefined : `is not this union's insurer number (${o.insurerNumber})`;
  },
  kigo: (c) => (CARD.test(c.kigo) ? undefined : 'must be 1–32 characters without spaces or < > & " \' `'),
  bango: (c) => (CARD.test(c.bango) ? undefined : 'must be 1–32 characters without spaces or < > & " \' `'),
  edaban: (c) => (/^\d{2}$/.test(c.edaban) ? undefined : 'must be 2 digits'),
  relation: (c) => (c.relation === '本人' || c.relation === '家族' ? undefined : 'must be 本人 or 家族'),
  patient_name: (c) => checkText(c.patient_name, 100, true),
  service_month: (c, o) => {
    const month = normaliseMonth(c.service_month);
    if (!month) return 'must be a month as YYYY-MM or YYYYMM';
    if (month < '2000-01') return 'must be 2000-01 or later';
    return month <= currentMonth(o.now) ? undefined : 'must not be in the future';
  },
  facility_name: (c) => checkText(c.facility_name, 100, false),
  category: (c) => ((CARE_CATEGORIES as readonly string[]).includes(c.category) ? undefined : 'must be 入院, 通院, 歯科 or 調剤'),
  days: (c) => {
    const max = c.category === '調剤' ? 99 : 31;
    return /^\d{1,2}$/.test(c.days) && Number(c.days) >= 1 && Number(c.days) <= max
      ? undefined : `must be a whole number from 1 to ${max}${c.category === '調剤' ? ' (回数 for 調剤)' : ' (days in the month)'}`;
  },
  total_cost: (c) => checkYen(c.total_cost),
  insurer_paid: (c) => checkYen(c.insurer_paid),
  public_paid: (c) => checkYen(c.public_paid),
  self_paid: (c) => {
    const invalid = checkYen(c.self_paid);
    if (invalid || [c.total_cost, c.insurer_paid, c.public_paid].some((v) => checkYen(v))) return invalid;
    const parts = Number(c.insurer_paid) + Number(c.public_paid) + Number(c.self_paid);
    return parts === Number(c.total_cost) ? undefined
      : `insurer_paid + public_paid + self_paid (${parts}) must equal total_cost (${Number(c.total_cost)})`;
  },
  note: (c) => checkText(c.note, 200, false),
};

/** `2025-03` or `202503` → `2025-03`; anything else → undefined. */
function normaliseMonth(value: string): string | undefined {
  const m = /^(\d{4})-?(0[1-9]|1[0-2])$/.exec(value);
  return m ? `${m[1]}-${m[2]}` : undefined;
}

/** Reads and validates a whole file; any error anywhere means no records at all. */
export function parseClaimsCsv(textContent: string, options: ClaimCsvOptions): ClaimCsvResult {
  let rows;
  try {
    rows = parseCsvRecords(textContent);
  } catch (err) {
    if (err instanceof CsvSyntaxError) return { ok: false, errors: [{ line: err.line, message: err.message }] };
    throw err;
  }
  const [header, ...data] = rows;
  if (!header) return { ok: false, errors: [{ line: 1, message: 'the file is empty: expected a header row' }] };
  const names = header.fields.map((n) => n.trim());
  const headerErrors = checkHeader(names, header.line);
  if (headerErrors.length > 0) return { ok: false, errors: headerErrors };
  if (data.length === 0) return { ok: false, errors: [{ line: header.line + 1, message: 'no claim rows after the header' }] };

  const errors: ClaimCsvError[] = [];
  const records: ClaimRecord[] = [];
  const lines: number[] = [];
  for (const row of data) {
    if (row.fields.length !== COLUMNS.length) {
      errors.push({ line: row.line, message: `has ${row.fields.length} fields; the header has ${COLUMNS.length}` });
      continue;
    }
    const cells = Object.fromEntries(names.map((name, i) => [name, row.fields[i].trim()])) as Cells;
    const rowErrors = COLUMNS.flatMap((field) => {
      const message = RULES[field](cells, options);
      return message ? [{ line: row.line, field, message }] : [];
    });
    errors.push(...rowErrors);
    if (rowErrors.length === 0) {
      records.push(toRecord(cells));
      lines.push(row.line);
    }
  }
  errors.push(...crossRowErrors(records, lines));
  return errors.length > 0 ? { ok: false, errors: errors.sort((a, b) => a.line - b.line) } : { ok: true, records };
}

function checkHeader(trimmed: string[], line: number): ClaimCsvError[] {
  const errors: ClaimCsvError[] = [];
  const unknown = trimmed.filter((n) => !(n in CLAIM_COLUMNS));
  const missing = COLUMNS.filter((c) => !trimmed.includes(c));
  const repeated = trimmed.filter((n, i) => trimmed.indexOf(n) !== i);
  if (unknown.length) errors.push({ line, message: `unknown column(s): ${unknown.join(', ')}` });
  if (missing.length) errors.push({ line, message: `missing column(s): ${missing.join(', ')}` });
  if (repeated.length) errors.push({ line, message: `repeated column(s): ${[...new Set(repeated)].join(', ')}` });
  return errors;
}

function toRecord(c: Cells): ClaimRecord {
  return {
    claimId: c.claim_id,
    insurerNumber: c.insurer_number,
    kigo: c.kigo,
    bango: c.bango,
    patientEdaban: c.edaban,
    relation: c.relation as Relation,
    patientName: c.patient_name,
    serviceMonth: normaliseMonth(c.service_month)!,
    facilityName: c.facility_name || null,
    category: c.category as CareCategory,
    days: Number(c.days),
    totalCost: Number(c.total_cost),
    insurerPaid: Number(c.insurer_paid),
    publicPaid: Number(c.public_paid),
    selfPaid: Number(c.self_paid),
    note: c.note || null,
  };
}

/** A claim id appears once; a patient has one name and relation; a household has at most one 本人. */
function crossRowErrors(records: ClaimRecord[], lines: number[]): ClaimCsvError[] {
  const errors: ClaimCsvError[] = [];
  const claimLines = new Map<string, number>();
  const patients = new Map<string, { line: number; record: ClaimRecord }>();
  const insured = new Map<string, { line: number; edaban: string }>();
  records.forEach((r, i) => {
    const line = lines[i];
    const firstClaim = claimLines.get(r.claimId);
    if (firstClaim !== undefined) errors.push({ line, field: 'claim_id', message: `repeats the claim id of line ${firstClaim}` });
    else claimLines.set(r.claimId, line);

    const household = `${r.kigo}\u0000${r.bango}`;
    const patientKey = `${household}\u0000${r.patientEdaban}`;
    const seen = patients.get(patientKey);
    if (!seen) patients.set(patientKey, { line, record: r });
    else if (seen.record.patientName !== r.patientName) {
      errors.push({ line, field: 'patient_name', message: `differs from line ${seen.line} for the same 枝番 (${seen.record.patientName})` });
    } else if (seen.record.relation !== r.relation) {
      errors.push({ line, field: 'relation', message: `differs from line ${seen.line} for the same 枝番 (${seen.record.relation})` });
    }
    if (r.relation === '本人') {
      const other = insured.get(household);
      if (!other) insured.set(household, { line, edaban: r.patientEdaban });
      else if (other.edaban !== r.patientEdaban) {
        errors.push({ line, field: 'relation', message: `a household has one 本人; line ${other.line} already names 枝番 ${other.edaban}` });
      }
    }
  });
  return errors;
}

const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** Writes records in the import format (for the demo, tests and benchmark). */
export function formatClaimsCsv(records: readonly ClaimRecord[]): string {
  const lines = records.map((r) => [
    r.claimId, r.insurerNumber, r.kigo, r.bango, r.patientEdaban, r.relation, r.patientName, r.serviceMonth,
    r.facilityName ?? '', r.category, String(r.days), String(r.totalCost), String(r.insurerPaid),
    String(r.publicPaid), String(r.selfPaid), r.note ?? '',
  ].map(quote).join(','));
  return `${[COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}
