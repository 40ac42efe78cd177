import { HttpAgent, passwordLogin, textOf } from '../helpers/http-agent.js';
import { createMemberWithLogin, portalAdminToken, startStack, type TestStack } from '../helpers/stack.js';

/**
 * A member sees the notices published now to everyone or to their own group, and nothing else: an
 * unpublished, expired, withdrawn, other-group or other-union notice asked for by id is the same
 * 404 as an id that never existed, and its title appears nowhere. What the union writes is text:
 * markup and `javascript:` in a notice are shown as typed, never as elements or links.
 */
let stack: TestStack;
const agents: Record<'insured' | 'dependant', HttpAgent> = { insured: new HttpAgent(), dependant: new HttpAgent() };
const ids: Record<string, number> = {};
const DAY = 24 * 60 * 60 * 1000;
const at = (offset: number) => new Date(Date.now() + offset).toISOString();

async function publish(slug: string, notice: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${stack.portalUrl}/u/${slug}/admin/v1/notices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await portalAdminToken(stack.unions[slug])}`, 'content-type': 'application/json' },
    body: JSON.stringify(notice),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: number }).id;
}

beforeAll(async () => {
  stack = await startStack({ policy: { mfa: { required: false } } });
  await createMemberWithLogin(stack, 'alpha', { userId: 'notice-insured', password: 'notice-pass-1' }, { kigo: '55', bango: '501', edaban: '00', relation: '本人' });
  await createMemberWithLogin(stack, 'alpha', { userId: 'notice-dependant', password: 'notice-pass-1' }, { kigo: '55', bango: '501', edaban: '01', relation: '家族' });
  await passwordLogin(agents.insured, `${stack.portalUrl}/u/alpha/`, 'notice-insured', 'notice-pass-1');
  await passwordLogin(agents.dependant, `${stack.portalUrl}/u/alpha/`, 'notice-dependant', 'notice-pass-1');

  ids.everyone = await publish('alpha', { title: 'SEEN-everyone', body: '全員へのお知らせ' });
  ids.insuredOnly = await publish('alpha', { title: 'SEEN-insured-only', body: '被保険者へ', audience: 'insured' });
  ids.dependantsOnly = await publish('alpha', { title: 'SEEN-dependants-only', body: '被扶養者へ', audience: 'dependants' });
  ids.scheduled = await publish('alpha', { title: 'HIDDEN-scheduled', body: 'まだ', publishFrom: at(DAY) });
  ids.expired = await publish('alpha', { title: 'HIDDEN-expired', body: 'もう', publishFrom: at(-2 * DAY), publishTo: at(-DAY) });
  ids.withdrawn = await publish('alpha', { title: 'HIDDEN-withdrawn', body: '取り下げ' });
  const withdrawal = await fetch(`${stack.portalUrl}/u/alpha/admin/v1/notices/${ids.withdrawn}`, {
    method: 'DELETE', headers: { authorization: `Bearer ${await portalAdminToken(stack.unions.alpha)}` },
  });
  expect(withdrawal.status).toBe(200);
  ids.otherUnion = await publish('beta', { title: 'HIDDEN-other-union', body: 'ベータのお知らせ' });
  ids.markup = await publish('alpha', {
    title: '<img src=x onerror=alert(1)>件名',
    body: '<script>alert("body")</script>\n<a href="javascript:alert(1)">クリック</a> javascript:alert(2) [x](javascript:alert(3))\n\n'
      + 'https://example.jp/"onmouseover="alert(4) と /u/alpha/"><svg onload=alert(5)>',
  });
});
afterAll(() => stack?.close());

const page = (who: keyof typeof agents, path: string) => agents[who].request(`${stack.portalUrl}/u/alpha/notices${path}`);

test('each member\'s list has the notices for everyone and for their own group, and nothing hidden', async () => {
  const insured = textOf((await page('insured', '')).html);
  const dependant = textOf((await page('dependant', '')).html);
  expect(insured).toContain('SEEN-everyone');
  expect(insured).toContain('SEEN-insured-only');
  expect(insured).not.toContain('SEEN-dependants-only');
  expect(dependant).toContain('SEEN-everyone');
  expect(dependant).toContain('SEEN-dependants-only');
  expect(dependant).not.toContain('SEEN-insured-only');
  for (const text of [insured, dependant]) expect(text).not.toContain('HIDDEN');
});

test('asking by id for what one may not see is the same 404 as an id that never was, naming nothing', async () => {
  const unknown = await page('insured', '/999999');
  expect(unknown.status).toBe(404);
  const asked: Array<[keyof typeof agents, string]> = [
    ['insured', 'scheduled'], ['insured', 'expired'], ['insured', 'withdrawn'], ['insured', 'otherUnion'], ['insured', 'dependantsOnly'],
    ['dependant', 'insuredOnly'], ['dependant', 'scheduled'], ['dependant', 'withdrawn'],
  ];
  for (const [who, which] of asked) {
    const answer = await page(who, `/${ids[which]}`);
    expect([who, which, answer.status]).toEqual([who, which, 404]);
    const text = textOf(answer.html);
    expect(text).not.toMatch(/HIDDEN|SEEN-(insured|dependants)/);
    // Word for word the unknown id's page (the header's count aside, which is the member's own).
    expect(text.replace(/お知らせ（未読\d+件）/g, '')).toBe(textOf(unknown.html).replace(/お知らせ（未読\d+件）/g, ''));
  }
  for (const path of ['/0', '/-1', '/1e3', '/abc', '/99999999999999999999', `/${ids.everyone}.0`]) {
    expect([path, (await page('insured', path)).status]).toEqual([path, 404]);
  }
  // The notices one may see open as usual.
  expect((await page('insured', `/${ids.insuredOnly}`)).status).toBe(200);
  expect((await page('dependant', `/${ids.dependantsOnly}`)).status).toBe(200);
});

test('the unread count counts only what the member may see', async () => {
  const fresh = new HttpAgent();
  await createMemberWithLogin(stack, 'alpha', { userId: 'notice-counter', password: 'notice-pass-1' }, { kigo: '55', bango: '502', relation: '家族' });
  await passwordLogin(fresh, `${stack.portalUrl}/u/alpha/`, 'notice-counter', 'notice-pass-1');
  const home = await fresh.request(`${stack.portalUrl}/u/alpha/`);
  // everyone, dependants-only and the markup notice.
  expect(textOf(home.html)).toContain('お知らせ（未読3件）');
});

test('nobody who is not logged in reads a notice: they are sent to log in', async () => {
  const stranger = await new HttpAgent().request(`${stack.portalUrl}/u/alpha/notices/${ids.everyone}`);
  expect(stranger.status).toBe(303);
  expect(stranger.headers.get('location')).toBe(`/u/alpha/login?returnTo=${encodeURIComponent(`/u/alpha/notices/${ids.everyone}`)}`);
  expect(stranger.html).not.toContain('SEEN');
});

test('markup and javascript: in a notice are text on the page, never elements or links', async () => {
  const detail = await page('insured', `/${ids.markup}`);
  expect(detail.status).toBe(200);
  const main = detail.html.slice(detail.html.indexOf('<main'));
  const tags = main.match(/<[a-z][^>]*>/gi) ?? [];
  expect(tags.filter((tag) => /^<(script|img|svg)|\son\w+=|javascript:/i.test(tag))).toEqual([]);
  expect(main).toContain('&#60;script&#62;alert(&#34;body&#34;)&#60;/script&#62;');
  expect(main).toContain('&lt;img src=x onerror=alert(1)&gt;件名');
  // Only the https address and the site path are links, cut where a quote starts.
  const links = [...main.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]).filter((href) => !href.startsWith('/u/alpha/notices'));
  expect(links).toEqual(['https://example.jp/', '/u/alpha/']);
  const list = await page('insured', '');
  expect(list.html).not.toMatch(/<img src=x/);
  expect(list.html).toContain('&lt;img src=x onerror=alert(1)&gt;件名');
});
