import net from 'node:net';

/**
 * Which proxies in front of a program may speak for the client (TRUST_PROXY), and the client
 * address that follows from it. Shared by the IdP and the portal, so both see the same address.
 *
 * Every proxy appends the address it received the request from to X-Forwarded-For, so only the
 * right end of the header is written by proxies; anything to the left may be the client's own
 * invention. The walk therefore starts at the socket peer and moves left past trusted hops only:
 * the first untrusted address is the client.
 */
export type ProxyTrust =
  | { kind: 'none' }
  /** The nearest `hops` addresses (socket peer first) are proxies. */
  | { kind: 'hops'; hops: number }
  /** Addresses inside these networks are proxies, wherever they appear in the chain. */
  | { kind: 'networks'; networks: net.BlockList; spec: string[] };

export class TrustProxyError extends Error {}

const NO_TRUST: ProxyTrust = { kind: 'none' };

/**
 * `false`/empty: no proxy. `1`, `2`: that many hops. `true`: 1 hop (the old boolean setting meant
 * one TLS-terminating proxy). Otherwise a comma-separated list of addresses or CIDRs, IPv4 or IPv6.
 */
export function parseTrustProxy(value: string | undefined): ProxyTrust {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false' || text === '0') return NO_TRUST;
  if (text === 'true') return { kind: 'hops', hops: 1 };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 32) throw new TrustProxyError(`TRUST_PROXY: ${hops} hops is not a plausible proxy chain`);
    return { kind: 'hops', hops };
  }
  const networks = new net.BlockList();
  const spec = text.split(',').map((s) => s.trim());
  for (const entry of spec) addNetwork(networks, entry);
  return { kind: 'networks', networks, spec };
}

function addNetwork(networks: net.BlockList, entry: string): void {
  const invalid = () => new TrustProxyError(`TRUST_PROXY: "${entry}" is not a hop count, an IP address or a CIDR`);
  const [address, prefix, extra] = entry.split('/');
  const ip = unmapIPv4(address ?? '');
  const family = net.isIP(ip);
  if (!family || extra !== undefined) throw invalid();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) return networks.addAddress(ip, type);
  const bits = Number(prefix);
  if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw invalid();
  networks.addSubnet(ip, bits, type);
}

/** `::ffff:10.0.0.1` is the IPv4 address 10.0.0.1 (dual-stack sockets report it so). */
function unmapIPv4(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/** An address as proxies write it (`1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443`), or undefined when it is none. */
export function normalizeAddress(raw: string | undefined): string | undefined {
  let text = (raw ?? '').trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1];
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  text = unmapIPv4(text);
  return net.isIP(text) ? text.toLowerCase() : undefined;
}

/** Whether the address `index` hops from this program (0: the socket peer) is a trusted proxy. */
export function isTrustedHop(trust: ProxyTrust, address: string, index: number): boolean {
  switch (trust.kind) {
    case 'none': return false;
    case 'hops': return index < trust.hops;
    case 'networks': {
      const ip = normalizeAddress(address);
      return ip !== undefined && trust.networks.check(ip, net.isIP(ip) === 4 ? 'ipv4' : 'ipv6');
    }
  }
}

/** The header's entries, nearest hop first. */
const hopsOf = (forwardedFor: string | undefined) =>
  (forwardedFor ?? '').split(',').map((s) => s.trim()).filter(Boolean).reverse();

/**
 * The right-most untrusted address of the chain socket peer ← X-Forwarded-For. If a trusted proxy
 * handed on something that is not an address (a misconfigured chain), the walk stops at that proxy:
 * its own address is then the best one known to be real.
 */
export function clientAddress(trust: ProxyTrust, socketAddress: string | undefined, forwardedFor: string | undefined): string {
  let current = normalizeAddress(socketAddress) ?? socketAddress ?? '';
  if (!isTrustedHop(trust, current, 0)) return current;
  const hops = hopsOf(forwardedFor);
  for (let i = 0; i < hops.length; i += 1) {
    const next = normalizeAddress(hops[i]);
    if (next === undefined) return current;
    current = next;
    if (!isTrustedHop(trust, current, i + 1)) return current;
  }
  // Every hop was a trusted proxy: the furthest one is as near to the client as we can see.
  return current;
}

/**
 * `https` when the socket is TLS, or when a trusted proxy says so: the socket peer must be trusted,
 * and its value is the right-most X-Forwarded-Proto entry (the one the nearest proxy wrote).
 */
export function forwardedProtocol(
  trust: ProxyTrust, socket: { remoteAddress?: string; encrypted?: boolean }, forwardedProto: string | undefined,
): 'http' | 'https' {
  if (socket.encrypted) return 'https';
  if (!isTrustedHop(trust, normalizeAddress(socket.remoteAddress) ?? '', 0)) return 'http';
  const nearest = (forwardedProto ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean).at(-1);
  return nearest === 'https' ? 'https' : 'http';
}
