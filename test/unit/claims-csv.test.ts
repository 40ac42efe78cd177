import { formatClaimsCsv, parseClaimsCsv, type ClaimCsvError, type ClaimRecord } from '../../portal/medical/claims-csv.js';

const NOW = new Date('2026-05-20T03:00:00Z');
const OPTIONS = { insurerNumber: '06139999', now: NOW };
const HEADER = 'claim_id,insurer_number,kigo,bango,edaban,relation,patient_name,service_month,facility_name,category,days,total_cost,insurer_paid,public_paid,self_paid,note';

const taro: ClaimRecord = {
  claimId: 'R-2025-0001', insurerNumber: '06139999', kigo: '1234', bango: '56789', patientEdaban: '00', relation: '本人',
  patientName: 'テスト タロウ', serviceMonth: '2025-01', facilityName: 'サンプルクリニック', category: '通院', days: 1,
  totalCost: 12960, insurerPaid: 9072, publicPaid: 3588, selfPaid: 300, note: null,
};
const hanako: ClaimRecord = {
  ...taro, claimId: 'R-2025-0003', patientEdaban: '01', relation: '家族', patientName: 'テスト ハナコ', category: '歯科',
  facilityName: 'ひまわり歯科, 駅前 "本院"', totalCost: 11400, insurerPaid: 7980, publicPaid: 0, selfPaid: 3420, note: '再診',
};

/** The seed's rows as a file, with one cell replaced: `row` is 0-based among data rows. */
function fileWith(column: string, value: string, row = 0): string {
  const lines = formatClaimsCsv([taro, hanako]).trimEnd().split('\r\n');
  const index = HEADER.split(',').indexOf(column);
  const cells = lines[row + 1].split(',');
  cells[index] = value;
  lines[row + 1] = cells.join(',');
  return lines.join('\n');
}

function errorsOf(text: string): ClaimCsvError[] {
  const result = parseClaimsCsv(text, OPTIONS);
  if (result.ok) throw new Error('expected the file to be refused');
  return result.errors;
}

test('a well-formed file round-trips: quotes, commas, BOM, CRLF, YYYYMM months and any column order', () => {
  const text = formatClaimsCsv([taro, hanako]);
  expect(parseClaimsCsv(`\uFEFF${text}`, OPTIONS)).toEqual({ ok: true, records: [taro, hanako] });

  const reordered = ['note,service_month,' + HEADER.split(',').filter((c) => c !== 'note' && c !== 'service_month').join(','),
    '"",202501,R-1,06139999,1234,56789,00,本人,テスト タロウ,,調剤,2,2760,1932,828,0'].join('\n');
  expect(parseClaimsCsv(reordered, OPTIONS)).toEqual({ ok: true, records: [{
    ...taro, claimId: 'R-1', facilityName: null, category: '調剤', days: 2, totalCost: 2760, insurerPaid: 1932, publicPaid: 828, selfPaid: 0,
  }] });
});

test.each([
  { field: 'claim_id', value: 'R 1', message: 'must be 1–64 letters, digits or . _ : -' },
  { field: 'insurer_number', value: '0613999', message: 'must be 8 digits' },
  { field: 'insurer_number', value: '06130001', message: "is not this union's insurer number (06139999)" },
  { field: 'kigo', value: '', message: 'must be 1–32 characters without spaces' },
  { field: 'bango', value: '56<89', message: 'must be 1–32 characters without spaces' },
  { field: 'edaban', value: '1', message: 'must be 2 digits' },
  { field: 'relation', value: '配偶者', message: 'must be 本人 or 家族' },
  { field: 'patient_name', value: '', message: 'is required' },
  { field: 'patient_name', value: 'あ'.repeat(101), message: 'must be at most 100 characters' },
  { field: 'service_month', value: '2025-13', message: 'must be a month as YYYY-MM or YYYYMM' },
  { field: 'service_month', value: '1999-12', message: 'must be 2000-01 or later' },
  { field: 'service_month', value: '2026-06', message: 'must not be in the future' },
  { field: 'facility_name', value: 'x'.repeat(101), message: 'must be at most 100 characters' },
  { field: 'category', value: '外来', message: 'must be 入院, 通院, 歯科 or 調剤' },
  { field: 'days', value: '0', message: 'must be a whole number from 1 to 31 (days in the month)' },
  { field: 'days', value: '32', message: 'must be a whole number from 1 to 31' },
  { field: 'total_cost', value: '"12,960"', message: 'must be a whole number of yen' },
  { field: 'insurer_paid', value: '-1', message: 'must be a whole number of yen' },
  { field: 'public_paid', value: '1e3', message: 'must be a whole number of yen' },
  { field: 'self_paid', value: '310', message: 'insurer_paid + public_paid + self_paid (12970) must equal total_cost (12960)' },
  { field: 'note', value: 'x'.repeat(201), message: 'must be at most 200 characters' },
])('$field: "$message", with the line and the field', ({ field, value, message }) => {
  const errors = errorsOf(fileWith(field, value));
  expect(errors).toEqual([{ line: 2, field, message: expect.stringContaining(message) }]);
});

test('調剤 counts (回数) may exceed 31; a row may have several errors, all reported, by line', () => {
  const pharmacy = { ...taro, category: '調剤' as const, days: 40 };
  expect(parseClaimsCsv(formatClaimsCsv([pharmacy]), OPTIONS).ok).toBe(true);
  const errors = errorsOf(fileWith('edaban', 'x', 1).replace('R-2025-0003,06139999', 'R-2025-0003,123'));
  expect(errors.map((e) => [e.line, e.field])).toEqual([[3, 'insurer_number'], [3, 'edaban']]);
});

test('the header must name every column once and nothing else', () => {
  const rows = formatClaimsCsv([taro]).split('\r\n').slice(1).join('\n');
  expect(errorsOf(`${HEADER.replace(',note', '')}\n${rows}`)).toEqual([
    { line: 1, message: 'missing column(s): note' },
  ]);
  expect(errorsOf(`${HEADER},extra,claim_id\n${rows}`)).toEqual([
    { line: 1, message: 'unknown column(s): extra' },
    { line: 1, message: 'repeated column(s): claim_id' },
  ]);
  expect(errorsOf('')).toEqual([{ line: 1, message: 'the file is empty: expected a header row' }]);
  expect(errorsOf(`${HEADER}\n\n`)).toEqual([{ line: 2, message: 'no claim rows after the header' }]);
});

test('malformed CSV names the line: field count, unclosed and stray quotes', () => {
  expect(errorsOf(`${HEADER}\nR-1,06139999`)).toEqual([{ line: 2, message: 'has 2 fields; the header has 16' }]);
  expect(errorsOf(`${HEADER}\n${formatClaimsCsv([taro]).split('\r\n')[1]}\nR-2,"unclosed`)).toEqual([
    { line: 3, message: 'a quoted field is not closed' },
  ]);
  expect(errorsOf(`${HEADER}\nR-2,06139999,12"34`)[0]).toMatchObject({ line: 2, message: expect.stringContaining('a quote inside an unquoted field') });
});

test('across rows: a claim id once, one name and relation per patient, one 本人 per household', () => {
  const text = formatClaimsCsv([
    { ...hanako, claimId: 'M-1', patientEdaban: '03', patientName: 'テスト サブロウ', note: '複数行の\n備考' }, // lines 2–3
    taro,
    { ...taro, serviceMonth: '2025-02' }, // same claim id
    hanako,
    { ...hanako, claimId: 'R-9', patientName: 'テスト ハナ' }, // renamed within the file
    { ...hanako, claimId: 'R-10', patientEdaban: '02', patientName: 'テスト ジロウ', relation: '本人' }, // a second 本人
  ]);
  expect(errorsOf(text)).toEqual([
    { line: 2, field: 'note', message: 'must not contain control characters' },
    { line: 5, field: 'claim_id', message: 'repeats the claim id of line 4' },
    { line: 7, field: 'patient_name', message: 'differs from line 6 for the same 枝番 (テスト ハナコ)' },
    { line: 8, field: 'relation', message: 'a household has one 本人; line 4 already names 枝番 00' },
  ]);
});
