import { totp } from '../helpers/totp.js';

// RFC 6238 Appendix B: the test helper that computes TOTP codes in the browser tests is itself correct.
test.each([
  [59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'],
  [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130'],
])('RFC 6238 SHA-1 vector at T=%i is %s', (time, expected) => {
  expect(totp(Buffer.from('12345678901234567890'), time, { digits: 8 })).toBe(expected);
});
