import type { Claim } from './model.js';
import { monthLabel, slashMonth } from './period.js';

const YEN = new Intl.NumberFormat('ja-JP');

/** `12960` → `12,960円` */
export const yen = (amount: number): string => `${YEN.format(amount)}円`;

/** 診療区分/日数(回数): `通院/2日`, `調剤/1回`. */
export const careLabel = (claim: Pick<Claim, 'category' | 'days'>): string =>
  `${claim.category}/${claim.days}${claim.category === '調剤' ? '回' : '日'}`;

/** The helpers statement views use, passed to templates as `fmt`. */
export const viewFormat = { yen, careLabel, slashMonth, monthLabel };
