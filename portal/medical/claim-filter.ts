import { isServiceMonth, monthLabel, yearOf, type Period } from './period.js';

/** 診療年月・受診者で絞り込む: a period inside the viewing window and, optionally, one patient. */
export interface ClaimFilter extends Period {
  /** 枝番 of the patient; absent: everyone the viewer may see. */
  edaban?: string;
}

export type FilterField = 'from' | 'to' | 'patient';

export interface FilterError {
  field: FilterField;
  message: string;
}

export type FilterResult =
  | { state: 'empty' }
  | { state: 'valid'; filter: ClaimFilter }
  | { state: 'invalid'; errors: FilterError[] };

const LABELS: Record<'from' | 'to', string> = { from: '診療年月（開始）', to: '診療年月（終了）' };

function checkMonth(field: 'from' | 'to', value: unknown, window: Period): FilterError | undefined {
  const label = LABELS[field];
  if (value === undefined || value === '') return { field, message: `${label}を選択してください。` };
  if (typeof value !== 'string' || !isServiceMonth(value)) {
    return { field, message: `${label}は「2025-01」のように年と月で指定してください。` };
  }
  if (value < window.from || value > window.to) {
    return { field, message: `${label}は${monthLabel(window.from)}から${monthLabel(window.to)}までの範囲で指定してください。` };
  }
  return undefined;
}

/**
 * Validates the filter form's query. `patients` are the 枝番 the viewer may choose (a 家族: only
 * their own), so a patient parameter can never reach beyond what the token allows.
 */
export function parseClaimFilter(query: Record<string, unknown>, window: Period, patients: readonly string[]): FilterResult {
  const { from, to, patient } = query;
  if (from === undefined && to === undefined && patient === undefined) return { state: 'empty' };
  const errors = [checkMonth('from', from, window), checkMonth('to', to, window)].filter((e): e is FilterError => !!e);
  if (errors.length === 0 && (from as string) > (to as string)) {
    errors.push({ field: 'to', message: `${LABELS.to}には、${LABELS.from}と同じか後の年月を指定してください。` });
  }
  const edaban = patient === undefined || patient === '' ? undefined : patient;
  if (edaban !== undefined && (typeof edaban !== 'string' || !patients.includes(edaban))) {
    errors.push({ field: 'patient', message: '受診者は一覧から選択してください。' });
  }
  if (errors.length > 0) return { state: 'invalid', errors };
  return { state: 'valid', filter: { from: from as string, to: to as string, ...(edaban ? { edaban: edaban as string } : {}) } };
}

/** The statement title of a period: `2025年3月`, `2025年`, or `2024年1月〜2025年3月`. */
export function periodTitle(period: Period): string {
  if (period.from === period.to) return monthLabel(period.from);
  const year = yearOf(period.from);
  if (period.from === `${year}-01` && period.to === `${year}-12`) return `${year}年`;
  return `${monthLabel(period.from)}〜${monthLabel(period.to)}`;
}
