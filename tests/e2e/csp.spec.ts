/**
 * The built page (out/renderer, what `electron-vite build` ships) under a real browser: it
 * carries exactly the policy of src/shared/csp.ts, the browser enforces it, and the app runs
 * under it without violations. (tests/unit/wiring/renderer-build.test.ts checks the
 * same meta on an in-memory build, before out/ exists.)
 */
import type { Page } from '@playwright/test';
import { CSP } from '../../src/shared/csp';
import { seedKeys } from './support/etcd-helpers';
import { expect, test } from './support/fixtures';
import { openConnected } from './support/flows';

interface Violation {
  directive: string;
  blocked: string;
}

/** Records every CSP violation the page reports, from its first script on. */
async function watchViolations(page: Page): Promise<() => Promise<Violation[]>> {
  await page.addInitScript(() => {
    const seen: Violation[] = [];
    (window as unknown as { __cspViolations: Violation[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push({ directive: e.violatedDirective, blocked: e.blockedURI }));
  });
  return () => page.evaluate(() => (window as unknown as { __cspViolations: Violation[] }).__cspViolations);
}

test.describe('Content-Security-Policy of the built page', () => {
  test('the page carries exactly the production policy, once', async ({ launch, page }) => {
    await launch();
    const metas = page.locator('meta[http-equiv="Content-Security-Policy"]');
    await expect(metas).toHaveCount(1);
    await expect(metas).toHaveAttribute('content', CSP);
  });

  test('the browser enforces it: no inline or foreign script, no eval', async ({ launch, page, rendererUrl, ui }) => {
    const violations = await watchViolations(page);
    // A script of the app's own origin, to see what the policy lets our own code do.
    await page.route(`${rendererUrl}csp-probe.js`, (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: "try { window.__evalRan = eval('true'); } catch { window.__evalRan = false; }",
      }),
    );
    await launch();
    await expect(ui.sidebar.profile('Local')).toBeVisible();
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { __inlineRan?: boolean; __evalRan?: boolean };
      const add = (set: (s: HTMLScriptElement) => void) =>
        new Promise<string>((done) => {
          const s = document.createElement('script');
          set(s);
          s.onload = () => done('loaded');
          s.onerror = () => done('refused');
          document.head.append(s);
          // an inline script fires neither event
          if (!s.src) setTimeout(() => done('inline'), 100);
        });
      const foreign = await add((s) => (s.src = 'https://scripts.example.invalid/x.js'));
      await add((s) => (s.textContent = 'window.__inlineRan = true'));
      const own = await add((s) => (s.src = './csp-probe.js'));
      return { foreign, own, inlineRan: w.__inlineRan === true, evalRan: w.__evalRan };
    });
    expect(ran).toEqual({ foreign: 'refused', own: 'loaded', inlineRan: false, evalRan: false });
    const seen = await violations();
    expect(seen).toContainEqual({ directive: 'script-src-elem', blocked: 'https://scripts.example.invalid/x.js' });
    expect(seen).toContainEqual({ directive: 'script-src-elem', blocked: 'inline' });
    expect(seen).toContainEqual({ directive: 'script-src', blocked: 'eval' });
  });

  test('the app runs under it with no violation at all: connect, list keys, open a value', async ({ launch, startEtcd, page, ui }) => {
    const violations = await watchViolations(page);
    const etcd = await startEtcd();
    await seedKeys(etcd, [
      ['/csp/json', '{"policy": "strict", "inline": false}'],
      ['/csp/text', 'plain'],
    ]);
    await openConnected(launch, ui, etcd);
    await expect(ui.grid.count).toHaveText('2 keys');
    await ui.grid.select('/csp/json');
    await expect(ui.value.keyText).toHaveText('/csp/json');
    await expect(ui.value.content).toContainText('strict');
    // zod 4 would probe `new Function('')` once to decide whether to compile its parsers; the
    // renderer sets z.config({ jitless: true }) so that no refused eval is reported either.
    expect(await violations()).toEqual([]);
  });
});
