import type { Page } from 'playwright-core';
import type { Database } from '../../migrations/database.js';
import type { ClaimRecord } from '../../portal/medical/claims-csv.js';
import { importClaims } from '../../portal/medical/claims-import.js';
import { demoClaimPeriod, generateClaims, type DemoPerson } from '../../portal/medical/demo-claims.js';
import type { MemberSession } from '../../portal/session.js';
import { createMemberWithLogin, type TestStack } from './stack.js';

export const MEDICAL_PASSWORD = 'medical-pass-1';

export interface MedicalHousehold {
  kigo: string;
  bango: string;
  claims: ClaimRecord[];
  /** Account id (the OIDC subject) by 枝番. */
  accounts: Record<string, string>;
  /** User ID by 枝番. */
  userIds: Record<string, string>;
}

/** Members of one household, each with a login, and five years of generated claims imported for them. */
export async function createMedicalHousehold(
  stack: TestStack,
  unionSlug: string,
  card: { kigo: string; bango: string },
  people: (DemoPerson & { userId: string })[],
): Promise<MedicalHousehold> {
  const union = stack.unions[unionSlug];
  const accounts: Record<string, string> = {};
  const userIds: Record<string, string> = {};
  for (const p of people) {
    const { accountId } = await createMemberWithLogin(stack, unionSlug, { userId: p.userId, password: MEDICAL_PASSWORD }, {
      ...card, edaban: p.edaban, nameKanji: p.name, relation: p.relation, birthdate: `${p.birthYear}-04-01`,
    });
    accounts[p.edaban] = accountId;
    userIds[p.edaban] = p.userId;
  }
  const claims = generateClaims({ insurerNumber: union.insurerNumber, ...card, people }, demoClaimPeriod(new Date()), unionSlug);
  await importClaims(stack.portalDatabase.db, unionSlug, claims);
  return { ...card, claims, accounts, userIds };
}

/** Opens a portal page; the portal sends the browser to the IdP, where the member logs in and comes back. */
export async function loginAndOpen(page: Page, stack: TestStack, unionSlug: string, userId: string, path = '/medical/'): Promise<void> {
  const url = `${stack.portalUrl}/u/${unionSlug}${path}`;
  await page.goto(url);
  await page.getByLabel('ユーザID').fill(userId);
  await page.getByLabel('パスワード').fill(MEDICAL_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(url);
}

/** Changes what the portal's session store holds for one member (the first session `match` picks). */
export async function editMemberSession(
  db: Database,
  unionSlug: string,
  sub: string,
  edit: (member: MemberSession) => void,
  match: (member: MemberSession) => boolean = () => true,
): Promise<void> {
  // Newest first: the browser's live session is the one touched last (sessions roll).
  const rows: { sid: string; data: string }[] = await db('portal_sessions').select('sid', 'data').orderBy('expires_at', 'desc');
  const row = rows.find((r) => {
    const member = JSON.parse(r.data).members?.[unionSlug];
    return member?.sub === sub && match(member);
  });
  if (!row) throw new Error(`no portal session for ${sub}`);
  const data = JSON.parse(row.data);
  edit(data.members[unionSlug]);
  await db('portal_sessions').where({ sid: row.sid }).update({ data: JSON.stringify(data) });
}

export async function memberSession(db: Database, unionSlug: string, sub: string): Promise<MemberSession | undefined> {
  const rows: { data: string }[] = await db('portal_sessions').select('data').orderBy('expires_at', 'desc');
  return rows.map((r) => JSON.parse(r.data).members?.[unionSlug]).find((m) => m?.sub === sub);
}

/** Sum of 自己負担額 of the rows a predicate picks. */
export const selfPaidOf = (claims: ClaimRecord[], pick: (c: ClaimRecord) => boolean = () => true): number =>
  claims.filter(pick).reduce((sum, c) => sum + c.selfPaid, 0);
