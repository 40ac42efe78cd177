import { adminToken, memberRecord, type TestUnion } from './stack.js';
import type { MemberRecord } from '../../idp/members/member-repository.js';

/** A small client for the admin API, as a union administrator's script would use it. */
export async function adminApi(union: TestUnion) {
  const token = await adminToken(union);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${union.issuer}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
  };
  return {
    call,
    /** Creates a member and issues the postcard's temporary credentials. */
    async memberWithPostcard(overrides: Partial<MemberRecord> = {}) {
      const record = memberRecord(union, overrides);
      const { body: member } = await call('POST', '/members', record);
      const { body: postcard } = await call('POST', `/members/${member.id}/temporary-credentials`);
      return { record, memberId: member.id as string, accountId: postcard.accountId as string, userId: postcard.temporaryUserId as string, password: postcard.temporaryPassword as string };
    },
    publishTerms: (title: string, body: string) => call('POST', '/terms', { title, body }),
  };
}
