import type { Relation } from './model.js';
import type { ClaimRecord } from './claims-csv.js';
import type { CareCategory } from './model.js';
import { addMonths, currentMonth, monthsOf, yearOf, YEARS_SHOWN, type Period } from './period.js';

/**
 * Fictional but plausible claims for demo households, the tests and the benchmark. Deterministic:
 * the same seed, household and month always give the same rows (each month has its own random
 * stream), so regenerating later only adds the new months and re-importing is idempotent.
 */
export interface DemoPerson {
  edaban: string;
  name: string;
  relation: Relation;
  birthYear: number;
}

export interface DemoHousehold {
  insurerNumber: string;
  kigo: string;
  bango: string;
  people: DemoPerson[];
}

/** Data appears about three months after treatment; five calendar years are kept. */
export function demoClaimPeriod(now: Date): Period {
  const to = addMonths(currentMonth(now), -3);
  return { from: `${yearOf(currentMonth(now)) - YEARS_SHOWN + 1}-01`, to };
}

/** A small, fast PRNG (mulberry32) seeded from a string hash (FNV-1a). */
function random(seed: string): () => number {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i += 1) state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193);
  state >>>= 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const between = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const roundTo10 = (yen: number) => Math.round(yen / 10) * 10;

const CLINICS = ['さくら内科クリニック', 'みなと内科医院', 'あおば耳鼻咽喉科', 'ひだまり皮膚科', 'けやき整形外科', 'つばさ眼科'];
const PEDIATRICS = ['こもれび小児科', 'すくすくこどもクリニック'];
const DENTISTS = ['ひまわり歯科医院', 'しらかば歯科クリニック'];
const PHARMACIES = ['あおぞら薬局', 'みどり調剤薬局 駅前店', 'ふたば薬局'];
const HOSPITALS = ['市立中央病院', '県立総合医療センター'];

/** Share of the bill paid at the counter: 2 割 before school age and from 70, otherwise 3 割. */
const copayRate = (age: number) => (age < 6 || age >= 70 ? 0.2 : 0.3);

/** What a claim costs before the split into insurer, public funds and the patient. */
interface Visit { category: CareCategory; facility: string | null; days: number; totalCost: number }

function visitsOfMonth(rng: Rng, age: number, chronic: { clinic: string; pharmacy: string } | undefined): Visit[] {
  const visits: Visit[] = [];
  const facility = (name: string) => (rng() < 0.03 ? null : name); // some claims do not name the facility
  const withPharmacy = (days: number, pharmacy: string) => {
    if (rng() < 0.7) visits.push({ category: '調剤', facility: facility(pharmacy), days, totalCost: roundTo10(days * between(rng, 1200, 9000)) });
  };
  if (chronic) {
    const days = between(rng, 1, 2);
    visits.push({ category: '通院', facility: facility(chronic.clinic), days, totalCost: roundTo10(days * between(rng, 1500, 5000)) });
    withPharmacy(days, chronic.pharmacy);
  }
  const acuteChance = age < 6 ? 0.55 : age < 15 ? 0.35 : age >= 60 ? 0.3 : 0.2;
  if (rng() < acuteChance) {
    const days = between(rng, 1, 3);
    const clinic = age < 15 && rng() < 0.7 ? pick(rng, PEDIATRICS) : pick(rng, CLINICS);
    visits.push({ category: '通院', facility: facility(clinic), days, totalCost: roundTo10(days * between(rng, 1500, 6000)) });
    withPharmacy(between(rng, 1, days), pick(rng, PHARMACIES));
  }
  if (age >= 3 && rng() < 0.08) {
    const days = between(rng, 1, 4);
    visits.push({ category: '歯科', facility: facility(pick(rng, DENTISTS)), days, totalCost: roundTo10(days * between(rng, 2500, 7000)) });
  }
  if (rng() < (age >= 60 ? 0.006 : 0.002)) {
    const days = between(rng, 3, 14);
    visits.push({ category: '入院', facility: facility(pick(rng, HOSPITALS)), days, totalCost: roundTo10(days * between(rng, 25_000, 60_000)) });
  }
  return visits;
}

/** 高額療養費 (general income band) caps what one claim costs the patient in a month. */
const highCostLimit = (total: number) => Math.round(80_100 + Math.max(0, total - 267_000) * 0.01);

function toRecord(h: DemoHousehold, person: DemoPerson, month: string, index: number, age: number, v: Visit): ClaimRecord {
  let selfPaid = roundTo10(v.totalCost * copayRate(age));
  let publicPaid = 0;
  let note: string | null = null;
  if (age < 15) {
    // 子ども医療費助成: the municipality pays all but a small fee per visit day (nothing for 調剤).
    const childFee = v.category === '調剤' ? 0 : Math.min(selfPaid, 300 * v.days);
    publicPaid = selfPaid - childFee;
    selfPaid = childFee;
  } else if (selfPaid > highCostLimit(v.totalCost)) {
    selfPaid = highCostLimit(v.totalCost);
    note = '高額療養費適用';
  }
  return {
    // Unique per card, person, month and visit (demo cards use ASCII 記号 and 番号, as claim ids must).
    claimId: `${h.insurerNumber}-${h.kigo}-${h.bango}-${person.edaban}-${month.replace('-', '')}-${index}`,
    insurerNumber: h.insurerNumber, kigo: h.kigo, bango: h.bango, patientEdaban: person.edaban, relation: person.relation,
    patientName: person.name, serviceMonth: month, facilityName: v.facility, category: v.category, days: v.days,
    totalCost: v.totalCost, insurerPaid: v.totalCost - publicPaid - selfPaid, publicPaid, selfPaid, note,
  };
}

/** The claims of one household over the period, by month then person. */
export function generateClaims(h: DemoHousehold, period: Period, seed: string): ClaimRecord[] {
  const card = `${seed}:${h.insurerNumber}:${h.kigo}:${h.bango}`;
  const traits = new Map(h.people.map((p) => {
    const rng = random(`${card}:${p.edaban}`);
    const age = yearOf(period.to) - p.birthYear;
    const chronic = rng() < (age >= 60 ? 0.55 : age >= 40 ? 0.3 : 0.08)
      ? { clinic: pick(rng, CLINICS), pharmacy: pick(rng, PHARMACIES) } : undefined;
    return [p.edaban, chronic];
  }));
  const records: ClaimRecord[] = [];
  for (const month of monthsOf(period)) {
    for (const person of h.people) {
      const rng = random(`${card}:${person.edaban}:${month}`);
      const age = yearOf(month) - person.birthYear;
      if (age < 0) continue;
      visitsOfMonth(rng, age, traits.get(person.edaban)).forEach((v, i) => records.push(toRecord(h, person, month, i, age, v)));
    }
  }
  return records;
}

const SURNAMES = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤', '吉田', '山田'];
const GIVEN = {
  adult: ['太郎', '花子', '健一', '美咲', '大輔', '陽子', '誠', '由美'],
  child: ['蓮', '陽葵', '湊', '凛', '蒼', '結衣'],
};

/** The n-th synthetic household of a benchmark union: 1–4 people, the first is 本人. */
export function syntheticHousehold(n: number, insurerNumber: string, seed: string): DemoHousehold {
  const rng = random(`${seed}:household:${n}`);
  const surname = pick(rng, SURNAMES);
  const size = pick(rng, [1, 1, 1, 1, 2, 2, 2, 3, 3, 4]);
  const insuredBirth = between(rng, 1960, 2002);
  const people: DemoPerson[] = [{ edaban: '00', name: `${surname} ${pick(rng, GIVEN.adult)}`, relation: '本人', birthYear: insuredBirth }];
  for (let i = 1; i < size; i += 1) {
    const spouse = i === 1 && rng() < 0.8;
    people.push({
      edaban: String(i).padStart(2, '0'),
      name: `${surname} ${pick(rng, spouse ? GIVEN.adult : GIVEN.child)}`,
      relation: '家族',
      birthYear: spouse ? insuredBirth + between(rng, -5, 5) : Math.min(2024, insuredBirth + between(rng, 25, 40)),
    });
  }
  return { insurerNumber, kigo: String(1000 + Math.floor(n / 100_000)), bango: String(100_000 + (n % 100_000)), people };
}
