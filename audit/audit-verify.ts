import type { Database } from '../migrations/database.js';
import { entryHash, GENESIS_HASH, type ChainedFields } from './audit-chain.js';

export interface ChainBreak {
  /** The sequence number the break was found at (the entry expected there). */
  seq: number;
  /** The row found there; null when the entry is missing from the end of the log. */
  id: number | null;
  problem: string;
}

export interface ChainReport {
  unionSlug: string;
  entries: number;
  /** The last entry's hash: note it somewhere else (ticket, mail) to use as an anchor later. */
  head?: string;
  broken?: ChainBreak;
}

type Row = ChainedFields & { id: number | string; prev_hash: string | null; hash: string | null };

/** What is wrong with `row` as the entry after (`seq` - 1, `prevHash`); undefined when it fits. */
function problemOf(row: Row, seq: number, prevHash: string): string | undefined {
  if (row.seq == null || row.hash == null || row.prev_hash == null) return 'the entry is not chained (written around recordAudit)';
  const found = Number(row.seq);
  if (found > seq) return found - seq === 1 ? `entry seq ${seq} is missing (deleted)` : `entries seq ${seq}–${found - 1} are missing (deleted)`;
  if (found < seq) return `seq ${found} appears again or out of order (expected ${seq})`;
  if (row.prev_hash !== prevHash) return `prev_hash does not match the hash of entry seq ${seq - 1} (one of them was rewritten)`;
  if (entryHash(row.prev_hash, row) !== row.hash) return 'its fields do not match its hash (edited after it was written)';
  return undefined;
}

/**
 * Walks a union's audit chain in the order it was written and names the first entry that breaks it:
 * edited, deleted, inserted around the chain, or missing from the end (the union's head remembers it).
 * The hash is not keyed, so whoever can rewrite every later entry and the head can forge a consistent
 * chain; `anchors` (seq → hash noted earlier, outside the database) catch that.
 */
export async function verifyAuditChain(db: Database, unionSlug: string, options: { anchors?: Map<number, string>; batch?: number } = {}): Promise<ChainReport> {
  const { anchors = new Map<number, string>(), batch = 1000 } = options;
  let seq = 1;
  let prevHash = GENESIS_HASH;
  for (let after = 0; ;) {
    const rows: Row[] = await db('audit_log').where({ union_slug: unionSlug }).andWhere('id', '>', after).orderBy('id').limit(batch);
    if (!rows.length) break;
    for (const row of rows) {
      const problem = problemOf(row, seq, prevHash);
      const anchored = anchors.get(seq);
      const broken = problem ?? (anchored !== undefined && anchored !== row.hash ? `its hash differs from the anchor noted for seq ${seq} (the chain was rewritten)` : undefined);
      if (broken) return { unionSlug, entries: seq - 1, broken: { seq, id: Number(row.id), problem: broken } };
      prevHash = row.hash!;
      seq += 1;
      after = Number(row.id);
    }
  }
  const entries = seq - 1;
  const head: { seq: number; hash: string } | undefined = await db('audit_heads').where({ union_slug: unionSlug }).first('seq', 'hash');
  const headSeq = Number(head?.seq ?? 0);
  if (headSeq > entries) {
    const problem = headSeq - entries === 1 ? `the last entry (seq ${headSeq}) is missing (deleted)` : `the last ${headSeq - entries} entries (seq ${entries + 1}–${headSeq}) are missing (deleted)`;
    return { unionSlug, entries, broken: { seq: entries + 1, id: null, problem } };
  }
  if (head && head.hash !== prevHash) return { unionSlug, entries, broken: { seq: entries, id: null, problem: 'the union\'s chain head does not match its last entry' } };
  const beyond = [...anchors.keys()].find((s) => s > entries);
  if (beyond !== undefined) return { unionSlug, entries, broken: { seq: beyond, id: null, problem: `the anchored entry seq ${beyond} is missing (deleted)` } };
  return { unionSlug, entries, head: entries ? prevHash : undefined };
}

/** The verifier's one-line answer. */
export function describeChainReport(report: ChainReport): string {
  if (!report.broken) return `ok: ${report.entries} entries`;
  const { seq, id, problem } = report.broken;
  return `broken: union ${report.unionSlug}, seq ${seq}${id === null ? '' : `, id ${id}`}: ${problem} (${report.entries} entries before it are intact)`;
}
