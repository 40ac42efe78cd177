/**
 * The maintenance windows a union's portal announces (お知らせ of kind maintenance), for a banner on
 * the login page. The IdP reads the portal's public `maintenance.json` over HTTP — never its
 * database or code — and never lets the portal slow a login down: a page uses what was fetched
 * before (in the background, at most once a minute per portal), and shows nothing when the portal
 * has never answered.
 */

/** A window during which the union's services stop, epoch ms. */
export interface MaintenanceWindow {
  start: number;
  end: number;
}

/** The banner appears this long before a window starts, and stays until it ends. */
export const ADVANCE_NOTICE_MS = 24 * 60 * 60 * 1000;
const MAX_WINDOWS = 10;
const MAX_FEED_BYTES = 16 * 1024;

/** `http://portal/u/demo/` (or without its last slash) → `http://portal/u/demo/maintenance.json`; undefined for anything else. */
export function feedUrlOf(portalUrl: string | undefined): string | undefined {
  if (!portalUrl) return undefined;
  try {
    const url = new URL(portalUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/maintenance.json`;
    url.search = '';
    url.hash = '';
    return url.href;
  } catch {
    return undefined;
  }
}

/** The windows of a feed (`{ maintenance: [{ start, end }] }`); entries that make no sense are left out. */
export function parseMaintenanceFeed(feed: unknown): MaintenanceWindow[] {
  const list = (feed as { maintenance?: unknown } | null)?.maintenance;
  if (!Array.isArray(list)) return [];
  return list.slice(0, MAX_WINDOWS).flatMap((entry) => {
    const { start, end } = (entry ?? {}) as { start?: unknown; end?: unknown };
    if (typeof start !== 'string' || typeof end !== 'string') return [];
    const window = { start: Date.parse(start), end: Date.parse(end) };
    return Number.isFinite(window.start) && Number.isFinite(window.end) && window.end > window.start ? [window] : [];
  });
}

/** What the login page announces at `now`: a window under way, else the next one starting within a day. */
export function bannerAt(windows: MaintenanceWindow[], now: number): (MaintenanceWindow & { ongoing: boolean }) | undefined {
  const shown = windows.filter((w) => w.end > now && w.start - ADVANCE_NOTICE_MS <= now).sort((a, b) => a.start - b.start);
  const window = shown.find((w) => w.start <= now) ?? shown[0];
  return window && { ...window, ongoing: window.start <= now };
}

// ── the window in words (Japan time, whatever the server's zone; Japan has no daylight saving) ──

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const jst = (at: number) => {
  const d = new Date(at + JST_OFFSET_MS);
  return { month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay(), time: d.toISOString().slice(11, 16) };
};
const JA_WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];
const EN_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `12月17日(木) 19:00〜22:00`, or `12月17日(木) 23:00〜12月18日(金) 02:00` across midnight. */
export function jaWindowText(w: MaintenanceWindow): string {
  const s = jst(w.start);
  const e = jst(w.end);
  const day = (p: typeof s) => `${p.month}月${p.day}日(${JA_WEEKDAYS[p.weekday]})`;
  return `${day(s)} ${s.time}〜${day(e) === day(s) ? '' : `${day(e)} `}${e.time}`;
}

/** `Thu 17 December, 19:00–22:00`, or `Thu 17 December, 23:00 – Fri 18 December, 02:00` across midnight. */
export function enWindowText(w: MaintenanceWindow): string {
  const s = jst(w.start);
  const e = jst(w.end);
  const day = (p: typeof s) => `${EN_WEEKDAYS[p.weekday]} ${p.day} ${EN_MONTHS[p.month - 1]}`;
  return day(e) === day(s) ? `${day(s)}, ${s.time}–${e.time}` : `${day(s)}, ${s.time} – ${day(e)}, ${e.time}`;
}

// ── fetching, in the background ──

interface Entry {
  windows: MaintenanceWindow[];
  /** When the portal last answered well (0: never). */
  okAt: number;
  /** When a fetch last started: the next waits for the cache's lifetime. */
  triedAt: number;
  refreshing?: Promise<void>;
}

export interface MaintenanceFeedOptions {
  fetch?: typeof fetch;
  /** How long an answer is used before the next page asks again (the portal says max-age=60). */
  ttlMs?: number;
  /** A portal slower than this is taken as down. */
  timeoutMs?: number;
  /**
   * How long the last good answer stands in while the portal does not answer — during its own
   * maintenance, say. Stale windows cannot mislead: a window is only shown before its end.
   */
  keepMs?: number;
  now?: () => number;
  log?: (message: string) => void;
}

/** The announced windows of every union's portal, one cache for the IdP process. */
export class MaintenanceFeeds {
  private readonly entries = new Map<string, Entry>();
  private readonly fetch: typeof fetch;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly keepMs: number;
  private readonly now: () => number;
  private readonly log: (message: string) => void;

  constructor(options: MaintenanceFeedOptions = {}) {
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.ttlMs = options.ttlMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 1_000;
    this.keepMs = options.keepMs ?? 6 * 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((message) => console.warn(message));
  }

  /**
   * Never waits for the network: what this portal announced when last asked (nothing the first
   * time), starting a refresh in the background when that answer is older than the cache's lifetime.
   */
  windowsFor(portalUrl: string | undefined): MaintenanceWindow[] {
    const url = feedUrlOf(portalUrl);
    if (!url) return [];
    const entry = this.entryOf(url);
    if (!entry.refreshing && this.now() - entry.triedAt >= this.ttlMs) void this.refresh(url);
    return entry.windows;
  }

  /** Fetches one portal's feed now (the background refresh; tests await it). Never throws. */
  refresh(feedUrl: string): Promise<void> {
    const entry = this.entryOf(feedUrl);
    if (entry.refreshing) return entry.refreshing;
    entry.triedAt = this.now();
    entry.refreshing = this.load(feedUrl).then((windows) => {
      entry.windows = windows;
      entry.okAt = this.now();
    }, (err: unknown) => {
      this.log(`[idp] maintenance feed ${feedUrl} unavailable: ${err instanceof Error ? err.message : String(err)}`);
      if (this.now() - entry.okAt > this.keepMs) entry.windows = [];
    }).finally(() => { entry.refreshing = undefined; });
    return entry.refreshing;
  }

  /** The refresh under way for a portal, if any (tests wait for it). */
  settled(portalUrl: string | undefined): Promise<void> {
    const url = feedUrlOf(portalUrl);
    return (url && this.entries.get(url)?.refreshing) || Promise.resolve();
  }

  private entryOf(feedUrl: string): Entry {
    let entry = this.entries.get(feedUrl);
    if (!entry) this.entries.set(feedUrl, entry = { windows: [], okAt: 0, triedAt: -Infinity });
    return entry;
  }

  private async load(feedUrl: string): Promise<MaintenanceWindow[]> {
    const response = await this.fetch(feedUrl, {
      headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_FEED_BYTES) throw new Error('feed too large');
    return parseMaintenanceFeed(JSON.parse(text));
  }
}
