import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { asBackchannelDelivery, guardedFetch, isSpecialUseAddress, parseAllowList } from '../../idp/oidc/outgoing-requests.js';
import { retryDelay } from '../../idp/oidc/backchannel-worker.js';

let server: http.Server;
let url: string;
beforeAll(async () => {
  server = http.createServer((_req, res) => { res.statusCode = 204; res.end(); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bcl`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('special-use addresses, IPv4, IPv6 and IPv4-mapped', () => {
  for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
    expect([a, isSpecialUseAddress(a)]).toEqual([a, true]);
  }
  for (const a of ['8.8.8.8', '133.242.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) expect([a, isSpecialUseAddress(a)]).toEqual([a, false]);
});

test('the allow-list reads hosts, addresses, CIDRs and ports, and refuses anything else', () => {
  expect(parseAllowList(' portal.internal, 10.0.0.0/8, 127.0.0.1:4000, [::1]:4000, fd00::/8 ')).toHaveLength(5);
  expect(parseAllowList(undefined)).toEqual([]);
  for (const bad of ['10.0.0.0/33', 'http://portal', 'host:99999', 'a b']) expect(() => parseAllowList(bad)).toThrow(/BACKCHANNEL_ALLOWED_HOSTS/);
});

test('a loopback URI is refused unless it is a back-channel delivery to a listed host and port', async () => {
  const port = Number(new URL(url).port);
  const post = (allow: string, scoped: boolean) => {
    const send = () => guardedFetch(parseAllowList(allow))(url, { method: 'POST', body: new URLSearchParams({ logout_token: 'x' }) });
    return scoped ? asBackchannelDelivery(send) : send();
  };
  await expect(post('', true)).rejects.toThrow('resolves to the special-use address 127.0.0.1, not in BACKCHANNEL_ALLOWED_HOSTS');
  await expect(post(`127.0.0.1:${port + 1}`, true)).rejects.toThrow(/special-use/);
  // The allow-list is for back-channel logout only: jwks_uri and the like stay off private addresses.
  await expect(post(`127.0.0.1:${port}`, false)).rejects.toThrow(/special-use/);
  expect((await post(`127.0.0.1:${port}`, true)).status).toBe(204);
  expect((await post('127.0.0.0/8', true)).status).toBe(204);
  // A host name is checked by the address it resolves to.
  const byName = guardedFetch(parseAllowList(''));
  await expect(asBackchannelDelivery(() => byName(url.replace('127.0.0.1', 'localhost')))).rejects.toThrow(/special-use/);
});

test('retries back off exponentially, capped at an hour', () => {
  expect([1, 2, 3, 4].map((n) => retryDelay(10_000, n))).toEqual([10_000, 20_000, 40_000, 80_000]);
  expect(retryDelay(10_000, 20)).toBe(3_600_000);
});
