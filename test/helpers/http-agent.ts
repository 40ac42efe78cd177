/**
 * A browser without a browser, for attacks that are plain HTTP: a cookie jar (per name, which is
 * enough for one IdP and one portal on loopback), manual redirects, and the forms of a page.
 * An attacker's agent only ever sends what it was given or could read from a response.
 */
export interface Page {
  url: string;
  status: number;
  html: string;
  headers: Headers;
}

type AgentRequest = { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> };

export class HttpAgent {
  readonly cookies = new Map<string, string>();

  /** A second agent holding the same cookies: a stolen cookie jar. */
  clone(): HttpAgent {
    const copy = new HttpAgent();
    for (const [k, v] of this.cookies) copy.cookies.set(k, v);
    return copy;
  }

  private remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now())
        || attributes.some((a) => /^\s*max-age=0/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(url: string, init: AgentRequest = {}): Promise<Page> {
    const response = await this.send(url, init);
    return { url, status: response.status, html: await response.text(), headers: response.headers };
  }

  /** A GET whose answer is kept as bytes (a PDF, a spreadsheet). */
  async download(url: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
    const response = await this.send(url);
    return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
  }

  private async send(url: string, init: AgentRequest = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const response = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.remember(response.headers);
    return response;
  }

  /** Requests `url` and follows redirects (as GETs) to the page that answers. */
  async follow(url: string, init: AgentRequest = {}): Promise<Page> {
    let page = await this.request(url, init);
    for (let hops = 0; page.status >= 300 && page.status < 400 && page.headers.get('location'); hops += 1) {
      if (hops > 20) throw new Error(`too many redirects from ${url}`);
      page = await this.request(new URL(page.headers.get('location')!, page.url).href);
    }
    return page;
  }

  /** Submits the page's form whose action matches `action` (with its hidden fields) plus `fields`. */
  submit(page: Page, action: RegExp, fields: Record<string, string> = {}): Promise<Page> {
    const { url, form } = formRequest(page, action, fields);
    return this.follow(url, { form });
  }

  /** As submit, as one request whose redirect is not followed (a form without an action posts to its page). */
  post(page: Page, action: RegExp, fields: Record<string, string> = {}): Promise<Page> {
    const { url, form } = formRequest(page, action, fields);
    return this.request(url, { form });
  }
}

/**
 * An agent that opens a new connection for every request (`Connection: close`), so a load balancer
 * in front of several processes hands each request to the next one (test/scale-out).
 */
export class SpreadAgent extends HttpAgent {
  override request(url: string, init: Parameters<HttpAgent['request']>[1] = {}): Promise<Page> {
    return super.request(url, { ...init, headers: { connection: 'close', ...init.headers } });
  }

  /** Another agent with this one's cookies (the same browser, a second tab). */
  tab(): SpreadAgent {
    const copy = new SpreadAgent();
    for (const [k, v] of this.cookies) copy.cookies.set(k, v);
    return copy;
  }
}

function formRequest(page: Page, action: RegExp, fields: Record<string, string>) {
  const form = formsOf(page.html).find((f) => action.test(f.action));
  if (!form) throw new Error(`no form matching ${action} on ${page.url}:\n${page.html.slice(0, 2000)}`);
  return { url: new URL(form.action, page.url).href, form: { ...form.hidden, ...fields } };
}

const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** The forms of a page: action and hidden inputs. */
export function formsOf(html: string): Array<{ action: string; hidden: Record<string, string> }> {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map((m) => ({
    action: decode(/action="([^"]*)"/.exec(m[1])?.[1] ?? ''),
    hidden: Object.fromEntries([...m[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((h) => [h[1], decode(h[2])])),
  }));
}

/** The text of a page without its markup, for assertions on what a person would read. */
export const textOf = (html: string) => decode(html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

/** The interaction URL a page belongs to (its forms post under it). */
export function interactionOf(page: Page): string {
  const match = /(\/u\/[^/]+\/interaction\/[^/"?]+)/.exec(page.url) ?? /(\/u\/[^/]+\/interaction\/[^/"?]+)/.exec(page.html);
  if (!match) throw new Error(`not an interaction page: ${page.url}`);
  return new URL(match[1], page.url).href;
}

/** The page's CSRF token (every IdP form carries one). */
export function csrfOf(page: Page): string {
  const match = /name="csrf" value="([^"]+)"/.exec(page.html) ?? /data-csrf="([^"]+)"/.exec(page.html);
  if (!match) throw new Error(`no CSRF token on ${page.url}`);
  return decode(match[1]);
}

/** Opens the portal and submits the IdP's password form; returns the page that follows. */
export async function passwordLogin(agent: HttpAgent, portalUrl: string, userId: string, password: string, authorizeUrl?: string): Promise<Page> {
  const login = await agent.follow(authorizeUrl ?? portalUrl);
  return agent.submit(login, /\/login$/, { loginId: userId, password });
}
