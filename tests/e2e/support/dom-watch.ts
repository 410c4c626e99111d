/**
 * Records everything the grid ever rendered, so a test can assert something NEVER showed up
 * (not just that it is gone by the time the assertion runs).
 */
import type { Page } from '@playwright/test';

interface Seen {
  keys: string[];
  counts: string[];
}

/** Start recording every key row and key count the page renders (call after the page loaded). */
export async function watchGrid(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __seen?: { keys: Set<string>; counts: Set<string> } };
    const seen = (w.__seen = { keys: new Set<string>(), counts: new Set<string>() });
    const scan = () => {
      for (const el of document.querySelectorAll('[data-testid="key-row"] .cell-key')) seen.keys.add(el.textContent ?? '');
      for (const el of document.querySelectorAll('[data-testid="key-count"]')) seen.counts.add(el.textContent ?? '');
    };
    scan();
    new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

export async function seenInGrid(page: Page): Promise<Seen> {
  return page.evaluate(() => {
    const w = window as unknown as { __seen: { keys: Set<string>; counts: Set<string> } };
    return { keys: [...w.__seen.keys], counts: [...w.__seen.counts] };
  });
}

/** Resolves after the page has rendered two more frames (whatever was delivered is painted). */
export async function afterFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}
