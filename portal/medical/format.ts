import type { Claim } from './model.js';
import type { PortalText } from '../i18n/text.js';
import { slashMonth } from './period.js';

const YEN = new Intl.NumberFormat('ja-JP');

/** `12960` → `12,960円` */
export const yen = (amount: number): string => `${YEN.format(amount)}円`;

/** 診療区分/日数(回数): `通院/2日`, `調剤/1回` (as the Japanese pages and the statement PDF print it). */
export const careLabel = (claim: Pick<Claim, 'category' | 'days'>): string =>
  `${claim.category}/${claim.days}${claim.category === '調剤' ? '回' : '日'}`;

/** The helpers statement views use, passed to templates as `fmt`: in the page's language. */
export const viewFormat = ({ t }: PortalText) => ({
  yen: (amount: number) => t('medical.yen', { amount }),
  /** `15,000`, as a chart's axis marks amounts (its unit said once). */
  number: (amount: number) => YEN.format(amount),
  careLabel: (claim: Pick<Claim, 'category' | 'days'>) => t('medical.care', { category: claim.category, days: claim.days }),
  monthLabel: (month: string) => t('medical.month', { month }),
  slashMonth,
});
