import { DEFAULT_INFO_MAIL, loadMailConfig, loadPortalUnions } from '../../portal/config.js';
import { retryDelay } from '../../portal/notifications/notification-worker.js';

const unionWith = (extra: Record<string, unknown>) => ({
  PORTAL_UNIONS: JSON.stringify([{ slug: 'a', name: 'A健保', issuer: 'https://idp.example.jp/u/a', clientId: 'c', clientSecret: 's', ...extra }]),
});

test('a union\'s infoMail is one plain address; without it notification mails come from info@example.jp', () => {
  expect(loadPortalUnions(unionWith({ infoMail: 'info@kenpo.example.jp' }))[0].infoMail).toBe('info@kenpo.example.jp');
  expect(loadPortalUnions(unionWith({}))[0].infoMail).toBeUndefined();
  expect(DEFAULT_INFO_MAIL).toBe('info@example.jp');
  for (const bad of ['A健保 <info@kenpo.example.jp>', 'info', 'info@', 'info@exa mple.jp', 'a@b@c.jp', 42]) {
    expect(() => loadPortalUnions(unionWith({ infoMail: bad }))).toThrow('"infoMail" must be a plain e-mail address');
  }
});

test('mail settings: defaults, and a wrong value stops the start naming the variable', () => {
  expect(loadMailConfig({})).toMatchObject({ smtpUrl: undefined, ratePerSecond: 5, maxAttempts: 8, retryBaseMs: 60_000, leaseMs: 60_000 });
  expect(loadMailConfig({ SMTP_URL: 'smtp://mail.example.jp:587', PORTAL_MAIL_RATE: '0.5' })).toMatchObject({ smtpUrl: 'smtp://mail.example.jp:587', ratePerSecond: 0.5 });
  expect(() => loadMailConfig({ PORTAL_MAIL_RATE: '0' })).toThrow('PORTAL_MAIL_RATE');
  expect(() => loadMailConfig({ PORTAL_MAIL_MAX_ATTEMPTS: '2.5' })).toThrow('PORTAL_MAIL_MAX_ATTEMPTS');
  expect(() => loadMailConfig({ PORTAL_MAIL_LEASE_MS: '100' })).toThrow('PORTAL_MAIL_LEASE_MS');
  expect(() => loadMailConfig({ PORTAL_MAIL_RETRY_BASE_MS: 'soon' })).toThrow('PORTAL_MAIL_RETRY_BASE_MS');
});

test('retries back off by doubling, at most an hour apart', () => {
  expect([1, 2, 3, 4].map((n) => retryDelay(60_000, n))).toEqual([60_000, 120_000, 240_000, 480_000]);
  expect(retryDelay(60_000, 30)).toBe(60 * 60 * 1000);
});
