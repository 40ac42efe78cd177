import crypto from 'node:crypto';

/** The benchmark's browser and authenticator app: what a member's devices do, nothing of the IdP's code. */

/** Every relying party's redirect_uri in the benchmarks; never fetched: the flow stops when redirected here. */
export const REDIRECT_URI = 'http://127.0.0.1:9/cb';

/** Just enough of a browser cookie jar: name/value per path, sent on path-prefix match, expired ones dropped. */
class CookieJar {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      const attr = (key: string) => attrs.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const [cookiePath, expires] = [attr('path') ?? '/', attr('expires')];
      const key = `${name};${cookiePath}`; // oidc-provider clears cookies with an empty value and a past date
      if (value === '' || attr('max-age') === '0' || (expires && Date.parse(expires) <= Date.now())) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path: cookiePath });
    }
  }

  set(name: string, value: string, path: string): void {
    this.cookies.set(`${name};${path}`, { name, value, path });
  }

  header({ pathname: p }: URL): string {
    return [...this.cookies.values()]
      .filter((c) => p === c.path || p.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length) // longer paths first, as browsers do
      .map((c) => `${c.name}=${c.value}`).join('; ');
  }
}

/** Where a request ended: a page (its HTML) or the client's redirect_uri. */
export interface Page { html?: string; callback?: URL; url: URL }

/** One browser: a cookie jar, and the address a TLS-terminating proxy would forward for it. */
export class Browser {
  readonly jar = new CookieJar();
  constructor(private readonly ip: string) {}

  /** One request with our cookies; redirects are the caller's business. */
  async send(url: URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    headers.set('x-forwarded-for', this.ip);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.jar.store(response);
    return response;
  }

  /** Follows redirects until a page or the client's redirect_uri. */
  async follow(first: Response, from: URL): Promise<Page> {
    let [response, url] = [first, from];
    for (let hops = 0; hops < 10; hops += 1) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        const html = await response.text();
        const text = () => html.replace(/<(style|script)[^]*?<\/\1>|<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
        if (response.status !== 200) throw new Error(`${response.status} at ${url.pathname}: ${text()}`);
        return { html, url };
      }
      await response.body?.cancel(); // free the connection for reuse
      if (location.startsWith(REDIRECT_URI)) return { callback: new URL(location), url };
      url = new URL(location, url);
      response = await this.send(url);
    }
    throw new Error(`too many redirects, last at ${url.pathname}`);
  }

  /** Posts the page's form whose action ends in `action`, with the page's csrf token and `fields`. */
  async submit(page: Page, action: string, fields: Record<string, string>): Promise<Page> {
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.html ?? '')?.[1];
    const target = new RegExp(`<form method="post" action="([^"]+${action})"`).exec(page.html ?? '')?.[1];
    if (!csrf || !target) throw new Error(`no ${action} form at ${page.url.pathname}: ${page.html?.replace(/<(style|script)[^]*?<\/\1>|<[^>]+>/g, " ").replace(/\s+/g, " ").slice(0, 400)}`);
    const url = new URL(target, page.url);
    // URLSearchParams bodies are sent as application/x-www-form-urlencoded, which readForm requires.
    return this.follow(await this.send(url, { method: 'POST', body: new URLSearchParams({ csrf, ...fields }) }), url);
  }
}

/** RFC 6238 as an authenticator app computes it (SHA-1, 6 digits, 30 s), independent of the IdP's otplib. */
export function totpCode(key: Buffer, step: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', key).update(message).digest();
  return String((mac.readUInt32BE(mac[mac.length - 1] & 0x0f) & 0x7fffffff) % 1e6).padStart(6, '0');
}

export function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
  return (bits.match(/.{1,5}/g) ?? []).map((chunk) => alphabet[Number.parseInt(chunk.padEnd(5, '0'), 2)]).join('');
}
