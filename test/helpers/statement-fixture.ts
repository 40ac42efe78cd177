/** Fictional statements for the download builders' tests (no database). */
import type { CareCategory, Claim, Statement } from '../../portal/medical/model.js';

export function claim(overrides: Partial<Claim> = {}): Claim {
  return {
    serviceMonth: '2025-01',
    patientName: '健保 太郎',
    patientEdaban: '00',
    facilityName: 'サンプルクリニック',
    category: '通院',
    days: 1,
    totalCost: 12960,
    insurerPaid: 9072,
    publicPaid: 3588,
    selfPaid: 300,
    note: null,
    ...overrides,
  };
}

/** The seed's three rows, plus an awkward name and a claim without a facility. */
export function sampleStatement(): Statement {
  return {
    union: { name: 'サンプル健康保険組合', insurerNumber: '06139999' },
    insured: { name: '健保 太郎', kigo: '1234', bango: '70001' },
    period: { from: '2025-01', to: '2025-12' },
    issuedAt: new Date('2026-02-22T15:30:00Z'), // 2026-02-23 00:30 in Japan
    claims: [
      claim(),
      claim({ facilityName: 'サンプルクリニック薬局', category: '調剤', totalCost: 2760, insurerPaid: 1932, publicPaid: 828, selfPaid: 0 }),
      claim({ patientName: '健保 花子', patientEdaban: '01', category: '歯科', totalCost: 11400, insurerPaid: 7980, publicPaid: 0, selfPaid: 3420 }),
      claim({
        serviceMonth: '2025-03', patientName: '健保 花子', patientEdaban: '01',
        facilityName: '医療法人社団"光,風"会 みなと総合病院リハビリテーションセンター', category: '入院', days: 12,
        totalCost: 1234567, insurerPaid: 864196, publicPaid: 0, selfPaid: 370371, note: '高額療養費',
      }),
      claim({ serviceMonth: '2025-04', facilityName: null, category: '通院', days: 2, totalCost: 5000, insurerPaid: 3500, publicPaid: 0, selfPaid: 1500 }),
    ],
  };
}

const CATEGORIES: CareCategory[] = ['通院', '調剤', '歯科', '入院'];

/** A long year: `count` claims spread over twelve months and four patients. */
export function longStatement(count: number): Statement {
  const base = sampleStatement();
  const claims = Array.from({ length: count }, (_, i) => {
    const category = CATEGORIES[i % CATEGORIES.length];
    const totalCost = 1000 + 37 * i;
    const selfPaid = Math.floor(totalCost * 0.3);
    return claim({
      serviceMonth: `2025-${String(1 + (i % 12)).padStart(2, '0')}`,
      patientName: ['健保 太郎', '健保 花子', '健保 一郎', '健保 さくら'][i % 4],
      facilityName: `${category === '調剤' ? 'みなと薬局' : 'みなとクリニック'} ${i + 1}号店`,
      category, days: 1 + (i % 5), totalCost, insurerPaid: totalCost - selfPaid, publicPaid: 0, selfPaid,
    });
  });
  return { ...base, claims };
}
