import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now (WCAG 2.1 A and AA), as "rule: target" lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through DevTools, which the pages' CSP does not govern (a <script> tag would be an inline script it blocks).
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = await page.evaluate(() => (window as unknown as { axe: { run(o: object): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } })
    .axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
  return results.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
}

const JAPANESE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]+/g;

/**
 * The Japanese words a person reading the page in English would meet, leaving out what is data by
 * nature: `allowed` (names, the union's name, amounts and places from the member's claims), and
 * anything the page itself marks as Japanese (`lang="ja"`, such as 日本語 in the language switch).
 */
export async function japaneseOnPage(page: Page, allowed: string[] = []): Promise<string[]> {
  const text = await page.evaluate(() => {
    const clone = document.body.cloneNode(true) as HTMLElement;
    Array.from(clone.querySelectorAll('[lang="ja"], script, style')).forEach((el) => el.remove());
    const attributes = Array.from(document.querySelectorAll('[aria-label], [title], [alt], [placeholder]'))
      .filter((el) => !el.closest('[lang="ja"]'))
      .map((el) => ['aria-label', 'title', 'alt', 'placeholder'].map((a) => el.getAttribute(a) ?? '').join(' '));
    return [document.title, clone.innerText, ...attributes].join('\n');
  });
  let rest = text;
  for (const a of allowed) rest = rest.split(a).join(' ');
  return [...new Set(rest.match(JAPANESE) ?? [])];
}
