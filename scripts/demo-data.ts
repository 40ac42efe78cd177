import type { MemberRecord } from '../idp/members/member-repository.js';
import type { DemoHousehold } from '../portal/medical/demo-claims.js';

export const DEMO_UNION = { slug: 'demo', name: 'デモ健康保険組合', insurerNumber: '06139999' } as const;

const card = { insurerNumber: DEMO_UNION.insurerNumber, kigo: '1234', bango: '56789' };

/** A household of three and a single member, all fictional. */
export const DEMO_MEMBERS: MemberRecord[] = [
  { ...card, edaban: '00', nameKanji: '健保 太郎', nameKana: 'ケンポ タロウ', birthdate: '1979-08-22', relation: '本人' },
  { ...card, edaban: '01', nameKanji: '健保 花子', nameKana: 'ケンポ ハナコ', birthdate: '1982-04-03', relation: '家族' },
  { ...card, edaban: '02', nameKanji: '健保 一郎', nameKana: 'ケンポ イチロウ', birthdate: '2012-11-15', relation: '家族' },
  { insurerNumber: DEMO_UNION.insurerNumber, kigo: '1234', bango: '60001', edaban: '00', nameKanji: '保険 次郎', nameKana: 'ホケン ジロウ', birthdate: '1990-01-31', relation: '本人' },
];

/** The demo union's terms of use, so the terms step (利用規約への同意) appears at the first login. */
export const DEMO_TERMS = {
  title: 'デモ健康保険組合 Webサービス利用規約',
  body: [
    '第1条（目的）この規約は、デモ健康保険組合（以下「当組合」）が提供するWebサービスの利用条件を定めるものです。',
    '第2条（利用者）本サービスは、当組合の被保険者およびその被扶養者の方がご利用いただけます。',
    '第3条（ユーザIDとパスワードの管理）ユーザIDとパスワードはご自身で管理し、第三者に知らせないでください。',
    '第4条（個人情報）当組合は、ご登録いただいた情報を保健事業および本サービスの提供のためにのみ利用します。',
    'これはデモ用の架空の規約です。',
  ].join('\n\n'),
};

/** The ready-to-use account of 健保 太郎 (first login already completed). */
export const DEMO_LOGIN = { userId: 'demo-taro', password: 'KenpoDemo-2026', email: 'taro@example.jp' };

/** The demo members grouped into households, for generating their medical claims. */
export function demoHouseholds(): DemoHousehold[] {
  const households = new Map<string, DemoHousehold>();
  for (const m of DEMO_MEMBERS) {
    const key = `${m.kigo}-${m.bango}`;
    if (!households.has(key)) households.set(key, { insurerNumber: m.insurerNumber, kigo: m.kigo, bango: m.bango, people: [] });
    households.get(key)!.people.push({ edaban: m.edaban, name: m.nameKanji, relation: m.relation, birthYear: Number(m.birthdate.slice(0, 4)) });
  }
  return [...households.values()];
}
