import { idpText } from '../../idp/i18n/text.js';
import { bannerAt, feedUrlOf, MaintenanceFeeds, parseMaintenanceFeed } from '../../idp/unions/maintenance-feed.js';

const PORTAL = 'http://portal.example/u/demo/';
const FEED = 'http://portal.example/u/demo/maintenance.json';
const HOUR = 60 * 60 * 1000;
// 2025-12-18 (Thu) 19:00–22:00 JST
const WINDOW = { start: Date.parse('2025-12-18T10:00:00Z'), end: Date.parse('2025-12-18T13:00:00Z') };
const feedOf = (...windows: Array<{ start: number; end: number }>) =>
  ({ maintenance: windows.map((w) => ({ title: '定期メンテナンス', start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString() })) });

describe('reading the portal\'s maintenance.json', () => {
  test('the feed URL sits beside the union\'s portal URL, with or without its last slash', () => {
    expect(feedUrlOf(PORTAL)).toBe(FEED);
    expect(feedUrlOf('http://portal.example/u/demo')).toBe(FEED);
    expect(feedUrlOf('https://portal.example/u/demo/?x=1#top')).toBe('https://portal.example/u/demo/maintenance.json');
    expect(feedUrlOf(undefined)).toBeUndefined();
    expect(feedUrlOf('not a url')).toBeUndefined();
    expect(feedUrlOf('file:///etc/passwd')).toBeUndefined();
  });

  test('windows are read from start/end; entries that make no sense are left out', () => {
    expect(parseMaintenanceFeed(feedOf(WINDOW))).toEqual([WINDOW]);
    expect(parseMaintenanceFeed({ maintenance: [
      { start: 'yesterday', end: '2025-12-18T13:00:00Z' },
      { start: '2025-12-18T13:00:00Z', end: '2025-12-18T10:00:00Z' },
      { start: 1, end: 2 },
      null,
      { start: '2025-12-18T10:00:00Z', end: '2025-12-18T13:00:00Z', extra: '<script>' },
    ] })).toEqual([WINDOW]);
    for (const nonsense of [null, 'x', [], {}, { maintenance: 'soon' }]) expect(parseMaintenanceFeed(nonsense)).toEqual([]);
  });

  test('the banner appears a day before the window, stays during it, and is gone at its end', () => {
    expect(bannerAt([WINDOW], WINDOW.start - 25 * HOUR)).toBeUndefined();
    expect(bannerAt([WINDOW], WINDOW.start - 24 * HOUR)).toEqual({ ...WINDOW, ongoing: false });
    expect(bannerAt([WINDOW], WINDOW.start)).toEqual({ ...WINDOW, ongoing: true });
    expect(bannerAt([WINDOW], WINDOW.end - 1)).toEqual({ ...WINDOW, ongoing: true });
    expect(bannerAt([WINDOW], WINDOW.end)).toBeUndefined();
    // A window under way wins over the next one.
    const next = { start: WINDOW.end + HOUR, end: WINDOW.end + 2 * HOUR };
    expect(bannerAt([next, WINDOW], WINDOW.start + HOUR)).toEqual({ ...WINDOW, ongoing: true });
  });

  test('the banner says when in Japan time, in the page\'s language', () => {
    expect(idpText('ja').t('login.maintenance.upcoming', WINDOW)).toBe('メンテナンスのお知らせ: 12月18日(木) 19:00〜22:00 はサービスを停止します。');
    expect(idpText('en').t('login.maintenance.upcoming', WINDOW)).toBe('Scheduled maintenance: the service will be unavailable on Thu 18 December, 19:00–22:00 (Japan time).');
    const overnight = { start: Date.parse('2025-12-18T14:00:00Z'), end: Date.parse('2025-12-18T17:00:00Z') };
    expect(idpText('ja').t('login.maintenance.ongoing', overnight)).toContain('12月18日(木) 23:00〜12月19日(金) 02:00');
  });
});

describe('fetching in the background', () => {
  function setup(answer: (url: string) => Promise<Response>) {
    let now = WINDOW.start - HOUR;
    const calls: string[] = [];
    const logs: string[] = [];
    const feeds = new MaintenanceFeeds({
      fetch: (async (url: string) => { calls.push(url); return answer(url); }) as typeof fetch,
      now: () => now, log: (m) => logs.push(m),
    });
    return { feeds, calls, logs, advance: (ms: number) => { now += ms; } };
  }

  test('the first page shows nothing and never waits; later pages use the answer, asked again at most once a minute', async () => {
    const { feeds, calls, advance } = setup(async () => Response.json(feedOf(WINDOW)));
    expect(feeds.windowsFor(PORTAL)).toEqual([]);
    await feeds.settled(PORTAL);
    expect(feeds.windowsFor(PORTAL)).toEqual([WINDOW]);
    advance(59_000);
    expect(feeds.windowsFor(PORTAL)).toEqual([WINDOW]);
    expect(calls).toEqual([FEED]);
    advance(1_000);
    expect(feeds.windowsFor(PORTAL)).toEqual([WINDOW]); // the stale answer, while the next is fetched
    await feeds.settled(PORTAL);
    expect(calls).toEqual([FEED, FEED]);
  });

  test('a portal that is down, slow, answers an error or garbage shows nothing, and is not asked on every page', async () => {
    const answers: Array<() => Promise<Response>> = [
      () => Promise.reject(new TypeError('fetch failed')),
      () => Promise.resolve(new Response('oops', { status: 500 })),
      () => Promise.resolve(new Response('<html>not json</html>', { status: 200 })),
      () => Promise.resolve(new Response('x'.repeat(100_000), { status: 200 })),
    ];
    for (const answer of answers) {
      const { feeds, calls, logs } = setup(answer);
      feeds.windowsFor(PORTAL);
      await feeds.settled(PORTAL);
      expect(feeds.windowsFor(PORTAL)).toEqual([]);
      feeds.windowsFor(PORTAL);
      expect(calls).toHaveLength(1);
      expect(logs).toHaveLength(1);
    }
  });

  test('a portal that takes longer than the timeout counts as down', async () => {
    const feeds = new MaintenanceFeeds({
      timeoutMs: 50, log: () => {},
      fetch: ((_url: string, init: RequestInit) => new Promise((_resolve, reject) => {
        init.signal!.addEventListener('abort', () => reject(init.signal!.reason));
      })) as typeof fetch,
    });
    const started = Date.now();
    expect(feeds.windowsFor(PORTAL)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(20);
    await feeds.settled(PORTAL);
    expect(feeds.windowsFor(PORTAL)).toEqual([]);
  });

  test('while the portal is down for its own maintenance, the last answer still stands', async () => {
    let up = true;
    const { feeds, advance } = setup(async () => (up ? Response.json(feedOf(WINDOW)) : Promise.reject(new Error('connection refused'))));
    feeds.windowsFor(PORTAL);
    await feeds.settled(PORTAL);
    up = false;
    advance(2 * HOUR); // inside the window now
    feeds.windowsFor(PORTAL);
    await feeds.settled(PORTAL);
    expect(feeds.windowsFor(PORTAL)).toEqual([WINDOW]);
    // Not forever: after six hours without an answer, nothing.
    advance(7 * HOUR);
    feeds.windowsFor(PORTAL);
    await feeds.settled(PORTAL);
    expect(feeds.windowsFor(PORTAL)).toEqual([]);
  });

  test('a union without a portal URL asks nobody', () => {
    const { feeds, calls } = setup(async () => Response.json({}));
    expect(feeds.windowsFor(undefined)).toEqual([]);
    expect(calls).toEqual([]);
  });
});
