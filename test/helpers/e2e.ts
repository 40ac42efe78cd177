import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startStack, type TestStack } from './stack.js';

export interface E2eEnvironment {
  stack: TestStack;
  browser: Browser;
}

/**
 * One test file's IdP + portal (startStack) and Chromium: started before its tests, closed after
 * them. `ready` receives both and may do the file's own set-up.
 */
export function useStackAndBrowser(options: Parameters<typeof startStack>[0], ready: (env: E2eEnvironment) => unknown): void {
  let env: Partial<E2eEnvironment> = {};
  beforeAll(async () => {
    env = { stack: await startStack(options) };
    env.browser = await launchBrowser();
    await ready(env as E2eEnvironment);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.stack?.close();
  });
}
