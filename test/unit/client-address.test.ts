import { clientAddress, forwardedProtocol, normalizeAddress, parseTrustProxy, TrustProxyError } from '../../net/client-address.js';

/** TRUST_PROXY and the walk from the socket peer leftwards through X-Forwarded-For (net/client-address.ts). */
describe('parseTrustProxy', () => {
  test('unset, empty, false and 0 trust no proxy', () => {
    for (const value of [undefined, '', ' ', 'false', '0']) expect(parseTrustProxy(value)).toEqual({ kind: 'none' });
  });

  test('a hop count; true is one hop (the old boolean meant one TLS-terminating proxy)', () => {
    expect(parseTrustProxy('1')).toEqual({ kind: 'hops', hops: 1 });
    expect(parseTrustProxy('2')).toEqual({ kind: 'hops', hops: 2 });
    expect(parseTrustProxy('true')).toEqual({ kind: 'hops', hops: 1 });
  });

  test('a list of addresses and CIDRs, IPv4 and IPv6', () => {
    const trust = parseTrustProxy(' 10.0.0.0/8, 192.168.1.5 ,::1, fd00::/8, ::ffff:172.16.0.1');
    expect(trust.kind).toBe('networks');
  });

  test.each([
    'yes', 'True', '-1', '1.5', '10.0.0.0/33', '10.0.0.0/', 'fd00::/129', '10.0.0.0/8/1', '10.0.0', '300.1.1.1',
    '10.0.0.0/8,', 'proxy.example', '10.0.0.1:8080', '100',
  ])('refuses %p with a message naming TRUST_PROXY', (value) => {
    expect(() => parseTrustProxy(value)).toThrow(TrustProxyError);
    expect(() => parseTrustProxy(value)).toThrow(/TRUST_PROXY/);
  });
});

describe('clientAddress', () => {
  const xff = '203.0.113.5, 10.0.0.7, 198.51.100.40';

  test('no trust: the socket peer, whatever the header says', () => {
    expect(clientAddress(parseTrustProxy(''), '127.0.0.1', xff)).toBe('127.0.0.1');
  });

  test('hop counts take the right-most untrusted entry, never the client-written left ones', () => {
    expect(clientAddress(parseTrustProxy('1'), '127.0.0.1', xff)).toBe('198.51.100.40');
    expect(clientAddress(parseTrustProxy('true'), '127.0.0.1', xff)).toBe('198.51.100.40');
    expect(clientAddress(parseTrustProxy('2'), '127.0.0.1', xff)).toBe('10.0.0.7');
    expect(clientAddress(parseTrustProxy('3'), '127.0.0.1', xff)).toBe('203.0.113.5');
    // More hops than entries: the furthest address there is.
    expect(clientAddress(parseTrustProxy('5'), '127.0.0.1', xff)).toBe('203.0.113.5');
    expect(clientAddress(parseTrustProxy('1'), '127.0.0.1', undefined)).toBe('127.0.0.1');
    expect(clientAddress(parseTrustProxy('1'), '127.0.0.1', '')).toBe('127.0.0.1');
  });

  test('networks: trusted hops are skipped wherever they are; the first address outside them is the client', () => {
    const trust = parseTrustProxy('127.0.0.1, 10.0.0.0/8');
    expect(clientAddress(trust, '127.0.0.1', xff)).toBe('198.51.100.40');
    expect(clientAddress(trust, '127.0.0.1', '198.51.100.1, 10.9.9.9, 198.51.100.30, 10.0.0.1')).toBe('198.51.100.30');
    expect(clientAddress(trust, '127.0.0.1', '10.1.1.1, 10.0.0.1')).toBe('10.1.1.1');
    // A peer outside the list reached the program directly: its header is its own invention.
    expect(clientAddress(trust, '192.0.2.9', xff)).toBe('192.0.2.9');
  });

  test('IPv6 networks and dual-stack (IPv4-mapped) socket addresses', () => {
    const trust = parseTrustProxy('::1, fd00::/8, 127.0.0.0/8');
    expect(clientAddress(trust, '::1', '2001:db8::7, fd00::1')).toBe('2001:db8::7');
    expect(clientAddress(trust, '::ffff:127.0.0.1', '198.51.100.2')).toBe('198.51.100.2');
    expect(clientAddress(parseTrustProxy(''), '::ffff:192.0.2.1', xff)).toBe('192.0.2.1');
    expect(clientAddress(parseTrustProxy('::ffff:10.0.0.1'), '10.0.0.1', '198.51.100.3')).toBe('198.51.100.3');
    expect(clientAddress(trust, '::1', '2001:DB8::8')).toBe('2001:db8::8');
  });

  test('ports and brackets, as some proxies write them, are dropped', () => {
    expect(clientAddress(parseTrustProxy('1'), '127.0.0.1', '198.51.100.4:51234')).toBe('198.51.100.4');
    expect(clientAddress(parseTrustProxy('1'), '127.0.0.1', '[2001:db8::9]:443')).toBe('2001:db8::9');
  });

  test('a malformed entry stops the walk at the proxy that handed it on', () => {
    expect(clientAddress(parseTrustProxy('1'), '127.0.0.1', 'not-an-ip')).toBe('127.0.0.1');
    expect(clientAddress(parseTrustProxy('2'), '127.0.0.1', 'evil, 10.0.0.7')).toBe('10.0.0.7');
    expect(clientAddress(parseTrustProxy('127.0.0.1'), '127.0.0.1', '198.51.100.5, <script>')).toBe('127.0.0.1');
    expect(clientAddress(parseTrustProxy('1'), '127.0.0.1', ' , ,198.51.100.6, ')).toBe('198.51.100.6');
  });

  test('normalizeAddress', () => {
    expect(normalizeAddress(' 192.0.2.1 ')).toBe('192.0.2.1');
    expect(normalizeAddress('unknown')).toBeUndefined();
    expect(normalizeAddress(undefined)).toBeUndefined();
  });
});

describe('forwardedProtocol', () => {
  test('TLS on the socket is https; otherwise only a trusted peer may say so, by the right-most value', () => {
    expect(forwardedProtocol(parseTrustProxy(''), { remoteAddress: '127.0.0.1', encrypted: true }, undefined)).toBe('https');
    expect(forwardedProtocol(parseTrustProxy(''), { remoteAddress: '127.0.0.1' }, 'https')).toBe('http');
    expect(forwardedProtocol(parseTrustProxy('1'), { remoteAddress: '127.0.0.1' }, 'https')).toBe('https');
    expect(forwardedProtocol(parseTrustProxy('1'), { remoteAddress: '127.0.0.1' }, 'HTTPS')).toBe('https');
    expect(forwardedProtocol(parseTrustProxy('1'), { remoteAddress: '127.0.0.1' }, 'https, http')).toBe('http');
    expect(forwardedProtocol(parseTrustProxy('10.0.0.0/8'), { remoteAddress: '127.0.0.1' }, 'https')).toBe('http');
    expect(forwardedProtocol(parseTrustProxy('1'), { remoteAddress: '127.0.0.1' }, undefined)).toBe('http');
  });
});
