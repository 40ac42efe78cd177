import type { PortalSaid } from '../i18n/text.js';
import { isServiceMonth, yearOf, type Period } from './period.js';

/** 診療年月・受診者で絞り込む: a period inside the viewing window and, optionally, one patient. */
export interface ClaimFilter extends Period {
  /** 枝番 of the patient; absent: everyone the viewer may see. */
  edaban?: string;
}

export type FilterField = 'from' | 'to' | 'patient';

export interface FilterError {
  field: FilterField;
  said: PortalSaid;
}

export type FilterResult =
  | { state: 'empty' }
  | { state: 'valid'; filter: ClaimFilter }
  | { state: 'invalid'; errors: FilterError[] };

function checkMonth(field: 'from' | 'to', value: unknown, window: Period): FilterError | undefined {
  if (value === undefined || value === '') return { field, said: { key: 'filter.required', params: { end: field } } };
  if (typeof value !== 'string' || !isServiceMonth(value)) return { field, said: { key: 'filter.format', params: { end: field } } };
  if (value < window.from || value > window.to) {
    return { field, said: { key: 'filter.outOfWindow', params: { end: field, from: window.from, to: window.to } } };
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
    errors.push({ field: 'to', said: 'filter.order' });
  }
  const edaban = patient === undefined || patient === '' ? undefined : patient;
  if (edaban !== undefined && (typeof edaban !== 'string' || !patients.includes(edaban))) {
    errors.push({ field: 'patient', said: 'filter.patient' });
  }
  if (errors.length > 0) return { state: 'invalid', errors };
  return { state: 'valid', filter: { from: from as string, to: to as string, ...(edaban ? { edaban: edaban as string } : {}) } };
}

/** The name of a statement's period: a month (`2025年3月`), a year (`2025年`), or a range (`2024年1月〜2025年3月`). */
export function periodTitle(period: Period): PortalSaid {
  if (period.from === period.to) return { key: 'medical.month', params: { month: period.from } };
  const year = yearOf(period.from);
  if (period.from === `${year}-01` && period.to === `${year}-12`) return { key: 'medical.year', params: { year } };
  return { key: 'medical.period.range', params: { from: period.from, to: period.to } };
}
