import type { Browser } from 'playwright-core';
import { collectPageProblems, launchBrowser } from './browser.js';
import { startStack, type TestStack } from './stack.js';

export interface E2eEnvironment {
  stack: TestStack;
  browser: Browser;
}

/**
 * One test file's IdP + portal (startStack) and Chromium: started before its tests, closed after
 * them. `ready` receives both and may do the file's own set-up. A test fails if any of its pages
 * logged a console error or a CSP violation.
 */
export function useStackAndBrowser(options: Parameters<typeof startStack>[0], ready: (env: E2eEnvironment) => unknown): void {
  let env: Partial<E2eEnvironment> = {};
  let problems: { take(): string[] } | undefined;
  beforeAll(async () => {
    env = { stack: await startStack(options) };
    env.browser = await launchBrowser();
    problems = collectPageProblems(env.browser);
    await ready(env as E2eEnvironment);
  });
  afterEach(() => {
    expect(problems?.take() ?? []).toEqual([]);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.stack?.close();
  });
}
