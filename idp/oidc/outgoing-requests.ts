import { AsyncLocalStorage } from 'node:async_hooks';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/**
 * Every request oidc-provider sends (its `fetch` option: back-channel logout, jwks_uri, sector
 * identifiers) goes through here. Our own check replaces the library's (which fails to start in some
 * runtimes, jest among them): the address actually connected to is the one our `lookup` approved,
 * and a special-use address (loopback, private, link-local…) is refused unless the request is a
 * back-channel logout delivery to a host the operator listed in BACKCHANNEL_ALLOWED_HOSTS.
 */

/** IANA special-purpose ranges (RFC 6890 and successors), IPv4 and IPv6. */
const SPECIAL_USE = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) SPECIAL_USE.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32],
  ['2002::', 16], ['3fff::', 20], ['5f00::', 16], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) SPECIAL_USE.addSubnet(prefix, bits, 'ipv6');

export function isSpecialUseAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return SPECIAL_USE.check(mapped[1], 'ipv4');
  return SPECIAL_USE.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4');
}

/** One BACKCHANNEL_ALLOWED_HOSTS entry: a host name, an address or a CIDR, optionally with a port. */
type AllowRule = { port?: number } & ({ host: string } | { addresses: net.BlockList });

export class AllowListError extends Error {}

/** `portal.internal, 10.0.0.0/8, 127.0.0.1:4000, [::1]:4000, localhost` → rules. */
export function parseAllowList(value: string | undefined): AllowRule[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const fail = () => { throw new AllowListError(`BACKCHANNEL_ALLOWED_HOSTS: cannot read "${entry}" (host, address, CIDR, optionally :port)`); };
    const withPort = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? (!net.isIPv6(entry.split('/')[0]) ? /^([^:]+):(\d+)$/.exec(entry) : null);
    const target = withPort ? withPort[1] : entry;
    const port = withPort?.[2] ? Number(withPort[2]) : undefined;
    if (port !== undefined && (port < 1 || port > 65535)) fail();
    const [address, bits] = target.split('/');
    const family = net.isIPv6(address) ? 'ipv6' : net.isIPv4(address) ? 'ipv4' : undefined;
    if (family) {
      const addresses = new net.BlockList();
      const max = family === 'ipv6' ? 128 : 32;
      const prefix = bits === undefined ? max : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) fail();
      addresses.addSubnet(address, prefix, family);
      return { addresses, port };
    }
    if (bits !== undefined || !/^[a-z0-9.-]+$/i.test(target)) fail();
    return { host: target.toLowerCase(), port };
  });
}

const backchannelScope = new AsyncLocalStorage<true>();

/** Runs a back-channel logout delivery: only its requests may use the operator's allow-list. */
export function asBackchannelDelivery<T>(send: () => Promise<T>): Promise<T> {
  return backchannelScope.run(true, send);
}

export class RefusedAddressError extends Error {}

function permitted(rules: AllowRule[], url: URL, address: string): boolean {
  if (!isSpecialUseAddress(address)) return true;
  if (!backchannelScope.getStore()) return false;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return rules.some((rule) => (rule.port === undefined || rule.port === port)
    && ('host' in rule ? rule.host === host : rule.addresses.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4')));
}

function refusal(url: URL, address: string): RefusedAddressError {
  return new RefusedAddressError(`refused: ${url.host} resolves to the special-use address ${address}`
    + (backchannelScope.getStore() ? ', not in BACKCHANNEL_ALLOWED_HOSTS' : ''));
}

/** A `fetch` for oidc-provider's configuration: node:http(s) with the address check; no redirects followed. */
export function guardedFetch(allowList: AllowRule[]) {
  return (input: string | URL | Request, options: RequestInit = {}): Promise<Response> => new Promise((resolve, reject) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return reject(new Error(`unsupported protocol ${url.protocol}`));
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(literal) && !permitted(allowList, url, literal)) return reject(refusal(url, literal));
    const lookup: net.LookupFunction = (hostname, lookupOptions, callback) => {
      dns.lookup(hostname, { ...lookupOptions, all: true }, (err, found) => {
        if (err) return callback(err, '', 4);
        const usable = (found as dns.LookupAddress[]).filter((a) => permitted(allowList, url, a.address));
        if (usable.length === 0) return callback(refusal(url, (found as dns.LookupAddress[])[0]?.address ?? hostname), '', 4);
        if ((lookupOptions as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, usable);
        callback(null, usable[0].address, usable[0].family);
      });
    };
    const headers: Record<string, string> = {};
    new Headers(options.headers).forEach((value, key) => { headers[key] = value; });
    const body = options.body == null ? undefined : String(options.body);
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: options.method ?? 'GET', headers, lookup, agent: false, signal: options.signal ?? undefined,
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const status = response.statusCode ?? 502;
        const responseHeaders = new Headers();
        for (const [key, value] of Object.entries(response.headers)) {
          for (const v of [value ?? []].flat()) responseHeaders.append(key, v);
        }
        const empty = status === 204 || status === 304 || status < 200;
        resolve(new Response(empty ? null : Buffer.concat(chunks), { status: Math.max(status, 200), headers: responseHeaders }));
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}
