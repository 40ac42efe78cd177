import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium, never a downloaded browser; the flags keep it off the (closed) network. Its
 * language is Japanese, as a member's phone in Japan is (Accept-Language picks the pages' language);
 * a test of English asks for it with a context's `locale`.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  // Playwright sends en-US unless a context names its locale: every context is Japanese unless told otherwise.
  const [newContext, newPage] = [browser.newContext.bind(browser), browser.newPage.bind(browser)];
  browser.newContext = (options = {}) => newContext({ locale: 'ja-JP', ...options });
  browser.newPage = (options = {}) => newPage({ locale: 'ja-JP', ...options });
  return browser;
}

/** Chromium's virtual authenticator (CDP): a platform authenticator with user verification that always consents. */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
}

/** Reports a CSP violation even where Chromium would not log one (e.g. a blocked style attribute). */
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.documentURI);
});`;

/**
 * Collects every console error, CSP violation and uncaught page error of every page of every
 * context of the browser, so the e2e fixture can fail the test that caused them.
 */
export function collectPageProblems(browser: Browser): { take(): string[] } {
  const problems: string[] = [];
  const newContext = browser.newContext.bind(browser);
  // browser.newPage() goes through newContext() too.
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await context.addInitScript({ content: REPORT_CSP_VIOLATIONS });
    context.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location().url;
      // Chromium also reports the page's own status (a 401 for a wrong password is the design); any
      // other resource that fails to load (a stylesheet, a favicon) is a problem.
      if (message.text().startsWith('Failed to load resource:') && where === message.page()?.url()) return;
      problems.push(`${message.text()} (${where || message.page()?.url()})`);
    });
    context.on('weberror', (error) => problems.push(`uncaught ${error.error().message} (${error.page()?.url()})`));
    return context;
  };
  return { take: () => problems.splice(0) };
}
