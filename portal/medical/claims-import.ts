import type { Knex } from 'knex';
import type { Database } from '../../migrations/database.js';
import { queueNotification } from '../notifications/outbox.js';
import type { ClaimRecord } from './claims-csv.js';

/** What an import did to the claim rows (and how many households and patients it added). */
export interface ImportCounts {
  created: number;
  unchanged: number;
  updated: number;
  householdsCreated: number;
  patientsCreated: number;
}

type Trx = Knex.Transaction;
// Rows per statement: knex inserts many rows into SQLite as one compound SELECT, which SQLite caps at 500.
const CHUNK = 500;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const cardKey = (insurer: string, kigo: string, bango: string) => `${insurer}\u0000${kigo}\u0000${bango}`;

/**
 * Writes validated claim records in one transaction: all or nothing. Rows are matched by the
 * union's claim id, so importing the same file again changes nothing; a corrected row is updated.
 * Claims missing from a file are kept (a file adds or corrects, it never deletes). The same
 * transaction owes one 'medical' notification (医療費情報の更新) to the households with a new or
 * corrected claim: the data and its mails are committed together, or neither is.
 */
export async function importClaims(
  db: Database,
  unionSlug: string,
  records: readonly ClaimRecord[],
  onProgress: (done: number) => void = () => {},
): Promise<ImportCounts> {
  const counts = await writeImport(db, unionSlug, records, onProgress);
  await refreshPlannerStatistics(db, counts);
  return counts;
}

/**
 * PostgreSQL plans from table statistics that only ANALYZE (or autovacuum, which may lag or be off)
 * refreshes; after a bulk load they still describe a much smaller table, and the claim lookup of
 * the next import fell back to scanning every claim of the union (100,000 members: from 300 to 76
 * members/s and falling). Its documentation advises ANALYZE after bulk loading; it samples, so it
 * costs a fraction of a second whatever the size. SQLite needs nothing: its plans follow the indexes.
 */
async function refreshPlannerStatistics(db: Database, counts: ImportCounts): Promise<void> {
  if (db.client.config.client !== 'pg' || counts.created + counts.householdsCreated + counts.patientsCreated === 0) return;
  await db.raw('ANALYZE medical_households, medical_patients, medical_claims');
}

function writeImport(db: Database, unionSlug: string, records: readonly ClaimRecord[], onProgress: (done: number) => void): Promise<ImportCounts> {
  return db.transaction(async (trx) => {
    const now = Date.now();
    const { ids, created: householdsCreated } = await ensureHouseholds(trx, unionSlug, records, now);
    const householdOf = (r: ClaimRecord) => ids.get(cardKey(r.insurerNumber, r.kigo, r.bango))!;
    const patientsCreated = await ensurePatients(trx, records, householdOf, now);
    const counts = { created: 0, unchanged: 0, updated: 0, householdsCreated, patientsCreated };
    const changed = new Set<number>();
    let done = 0;
    for (const chunk of chunks(records, CHUNK)) {
      const result = await writeClaims(trx, unionSlug, chunk, householdOf, now);
      counts.created += result.created;
      counts.updated += result.updated;
      counts.unchanged += result.unchanged;
      result.households.forEach((id) => changed.add(id));
      done += chunk.length;
      onProgress(done);
    }
    if (changed.size > 0) {
      const cards = new Map(records.map((r) => [householdOf(r), { kigo: r.kigo, bango: r.bango }]));
      await queueNotification(trx, {
        unionSlug, kind: 'medical', ref: `claims-import:${new Date(now).toISOString()}`,
        audience: { households: [...changed].map((id) => cards.get(id)!) },
      });
    }
    return counts;
  });
}

async function ensureHouseholds(trx: Trx, unionSlug: string, records: readonly ClaimRecord[], now: number) {
  const cards = new Map(records.map((r) => [cardKey(r.insurerNumber, r.kigo, r.bango), [r.insurerNumber, r.kigo, r.bango]]));
  const ids = new Map<string, number>();
  let created = 0;
  for (const chunk of chunks([...cards.values()], 300)) {
    const find = () => trx('medical_households').where({ union_slug: unionSlug })
      .whereIn(['insurer_number', 'kigo', 'bango'], chunk).select('id', 'insurer_number', 'kigo', 'bango');
    let found: { id: number; insurer_number: string; kigo: string; bango: string }[] = await find();
    const known = new Set(found.map((h) => cardKey(h.insurer_number, h.kigo, h.bango)));
    const missing = chunk.filter(([i, k, b]) => !known.has(cardKey(i, k, b)));
    if (missing.length > 0) {
      await trx('medical_households').insert(missing.map(([insurer, kigo, bango]) => ({
        union_slug: unionSlug, insurer_number: insurer, kigo, bango, created_at: now,
      })));
      created += missing.length;
      found = await find();
    }
    for (const h of found) ids.set(cardKey(h.insurer_number, h.kigo, h.bango), Number(h.id));
  }
  return { ids, created };
}

/** New patients are added; a changed name or relation (e.g. after marriage) is updated. */
async function ensurePatients(trx: Trx, records: readonly ClaimRecord[], householdOf: (r: ClaimRecord) => number, now: number) {
  const wanted = new Map<string, { household_id: number; edaban: string; name: string; relation: string }>();
  for (const r of records) {
    const householdId = householdOf(r);
    wanted.set(`${householdId}:${r.patientEdaban}`, { household_id: householdId, edaban: r.patientEdaban, name: r.patientName, relation: r.relation });
  }
  let created = 0;
  for (const chunk of chunks([...wanted.values()], CHUNK)) {
    const existing: { household_id: number; edaban: string; name: string; relation: string }[] = await trx('medical_patients')
      .whereIn('household_id', [...new Set(chunk.map((p) => p.household_id))])
      .select('household_id', 'edaban', 'name', 'relation');
    const byKey = new Map(existing.map((p) => [`${Number(p.household_id)}:${p.edaban}`, p]));
    const fresh = chunk.filter((p) => !byKey.has(`${p.household_id}:${p.edaban}`));
    if (fresh.length > 0) await trx('medical_patients').insert(fresh.map((p) => ({ ...p, created_at: now, updated_at: now })));
    created += fresh.length;
    for (const p of chunk) {
      const old = byKey.get(`${p.household_id}:${p.edaban}`);
      if (old && (old.name !== p.name || old.relation !== p.relation)) {
        await trx('medical_patients').where({ household_id: p.household_id, edaban: p.edaban })
          .update({ name: p.name, relation: p.relation, updated_at: now });
      }
    }
  }
  return created;
}

/** The columns a claim row takes from its record. */
function claimValues(r: ClaimRecord, householdId: number) {
  return {
    household_id: householdId, edaban: r.patientEdaban, service_month: r.serviceMonth, facility_name: r.facilityName,
    category: r.category, days: r.days, total_cost: r.totalCost, insurer_paid: r.insurerPaid,
    public_paid: r.publicPaid, self_paid: r.selfPaid, note: r.note,
  };
}

type ClaimValues = ReturnType<typeof claimValues>;

const sameValues = (a: ClaimValues, b: Record<string, unknown>) =>
  (Object.keys(a) as (keyof ClaimValues)[]).every((k) => (typeof a[k] === 'number' ? a[k] === Number(b[k]) : a[k] === b[k]));

async function writeClaims(trx: Trx, unionSlug: string, chunk: ClaimRecord[], householdOf: (r: ClaimRecord) => number, now: number) {
  const existing: (Record<string, unknown> & { id: number; source_claim_id: string })[] = await trx('medical_claims')
    .where({ union_slug: unionSlug }).whereIn('source_claim_id', chunk.map((r) => r.claimId));
  const bySourceId = new Map(existing.map((row) => [row.source_claim_id, row]));
  const inserts: object[] = [];
  /** Households with a new or corrected claim: they have something new to see. */
  const households = new Set<number>();
  let updated = 0;
  let unchanged = 0;
  for (const r of chunk) {
    const values = claimValues(r, householdOf(r));
    const old = bySourceId.get(r.claimId);
    if (!old) {
      inserts.push({ union_slug: unionSlug, source_claim_id: r.claimId, ...values, created_at: now, updated_at: now });
      households.add(values.household_id);
    } else if (sameValues(values, old)) {
      unchanged += 1;
    } else {
      await trx('medical_claims').where({ id: old.id }).update({ ...values, updated_at: now });
      updated += 1;
      households.add(values.household_id);
    }
  }
  if (inserts.length > 0) await trx('medical_claims').insert(inserts);
  return { created: inserts.length, updated, unchanged, households };
}
