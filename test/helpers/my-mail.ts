import { portalAdminToken, type TestStack } from './stack.js';

export interface ApiAnswer {
  status: number;
  body: Record<string, any>;
}

/** The portal admin API as a union's script uses it (a portal-admin token of the union's issuer). */
export async function portalAdminApi(stack: TestStack, slug: string) {
  const token = await portalAdminToken(stack.unions[slug]);
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> => {
    const response = await fetch(`${stack.portalUrl}/u/${slug}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  };
  return {
    call,
    /** Sends a MY mail to one card; returns its id. */
    async send(message: { kigo: string; bango: string; edaban: string; subject: string; body: string; replyRequested?: boolean }): Promise<number> {
      const answer = await call('POST', '/messages', message);
      if (answer.status !== 201) throw new Error(`message not sent: ${JSON.stringify(answer)}`);
      return answer.body.id as number;
    },
    answer: (id: number, text: string) => call('POST', `/messages/${id}/replies`, { text }),
  };
}
