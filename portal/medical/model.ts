/**
 * The medical-expense data the portal shows and exports. Amounts are yen integers. Every page and
 * file built from a `Statement` carries the six items the NTA requires of a 医療費通知 (SPEC §6):
 * ① insured person's name ② month of care ③ patient ④ facility ⑤ amount paid ⑥ insurer's name.
 */

/** 診療区分 */
export type CareCategory = '入院' | '通院' | '歯科' | '調剤';

/** One monthly claim row (レセプト 1 件): one patient, one facility, one month. */
export interface Claim {
  /** 診療年月, `YYYY-MM` */
  serviceMonth: string;
  /** 受診者 (household member) */
  patientName: string;
  /** The patient's 枝番 within the household. */
  patientEdaban: string;
  /** 医療機関等名称; null when the claim does not name one. */
  facilityName: string | null;
  category: CareCategory;
  /** 日数 (入院・通院・歯科) or 回数 (調剤). */
  days: number;
  /** 医療費総額 */
  totalCost: number;
  /** 保険者負担額 */
  insurerPaid: number;
  /** 公費負担額 */
  publicPaid: number;
  /** 自己負担額 (what the household paid at the counter) */
  selfPaid: number;
  /** 備考 */
  note: string | null;
}

/** A household's claims over a period, with who issues them and to whom. */
export interface Statement {
  union: { name: string; insurerNumber: string };
  /** 被保険者等の氏名 (the insured person, 本人) and the card identity. */
  insured: { name: string; kigo: string; bango: string };
  /** Inclusive range of 診療年月, `YYYY-MM`. */
  period: { from: string; to: string };
  claims: Claim[];
  issuedAt: Date;
}

/** 本人 (the insured person) or 家族 (a dependant), as on the insurance card. */
export type Relation = '本人' | '家族';

/** The household identity the IdP puts in the portal's access token (never taken from a request). */
export interface HouseholdClaims {
  insurer_number: string;
  kigo: string;
  bango: string;
  edaban: string;
  relation: Relation;
}
