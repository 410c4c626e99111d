/**
 * The grid part of the benchmark: the real renderer in Chromium, with the preload replaced by
 * the end-to-end bridge (the real handler table in this process), against a live etcd.
 * Measures connect → first rows painted, End → the last row painted (read directly, kv:seek), the
 * DOM row count, and frame times while scrolling the whole keyspace from top to bottom (the grid
 * reads the rows on screen where they are: placeholders, then rows).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { openApp, RENDERER_DIR, serveRenderer } from '../tests/e2e/support/bridge';

export interface GridFigures {
  readonly grid_keys_expected: number;
  readonly grid_connect_to_first_row_painted_ms: number;
  readonly grid_dom_rows_max: number;
  readonly grid_dom_rows_at_end: number;
  readonly grid_rows_loaded_at_end: number;
  readonly grid_reached_end: boolean;
  /** End pressed after connecting: until the last row is painted, ms; and rows loaded then. */
  readonly grid_end_key_ms: number;
  readonly grid_rows_loaded_after_end: number;
  /** A fast fling (10 rows a frame) from the top, with pages loading: frame times in ms. */
  readonly grid_fling_top_frame_ms_p50: number;
  readonly grid_fling_top_frame_ms_p95: number;
  readonly grid_fling_top_frame_ms_max: number;
  /** The same fling at the bottom, with every key loaded. */
  readonly grid_fling_bottom_frame_ms_p50: number;
  readonly grid_fling_bottom_frame_ms_p95: number;
  readonly grid_fling_bottom_frame_ms_max: number;
  /** Walking top to bottom (200 rows a frame), each screen's rows read where they are. */
  readonly grid_walk_duration_ms: number;
  readonly grid_walk_frames: number;
  readonly grid_walk_frame_ms_p50: number;
  readonly grid_walk_frame_ms_p95: number;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function ensureRendererBuilt(): void {
  if (existsSync(join(RENDERER_DIR, 'index.html'))) return;
  execFileSync('npx', ['electron-vite', 'build'], { stdio: 'ignore' });
}

const pct = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (n: number): number => Math.round(n * 100) / 100;

export async function measureGrid(opts: {
  endpoints: readonly string[];
  expectedKeys: number;
  /** Stop scrolling after this long and report how far it got. */
  timeLimitMs?: number;
  /** Rows per frame while walking the whole keyspace. */
  walkRowsPerFrame?: number;
}): Promise<GridFigures> {
  ensureRendererBuilt();
  const server = await serveRenderer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('crash', () => console.error('grid bench: the page crashed'));
    if (process.env.GRID_BENCH_DEBUG) page.on('console', (m) => console.error(`[page] ${m.text()}`));
    // tsx compiles with keepNames, which wraps named functions in the evaluated source in a
    // `__name(...)` helper that does not exist in the page.
    await page.addInitScript('globalThis.__name = (f) => f');
    const app = await openApp(page, server.url);
    try {
      const saved = await app.handlers['profiles:save']({ name: 'bench', endpoints: [...opts.endpoints], deadlineMs: 10_000 });
      if (!saved.ok) throw new Error(saved.error.message);
      await page.reload();
      const item = page.getByTestId('profile-item').filter({ hasText: 'bench' });
      await item.waitFor();

      // Connect click → first row in the DOM → the next animation frame (painted), timed in the
      // page itself so Playwright's own click handling is not counted.
      await page.evaluate(() => {
        const w = window as unknown as { __benchFirstRow: Promise<number> };
        w.__benchFirstRow = new Promise<number>((resolve) => {
          document.addEventListener(
            'click',
            () => {
              const t0 = performance.now();
              const painted = () => requestAnimationFrame(() => resolve(performance.now() - t0));
              if (document.querySelector('[data-testid="key-row"]')) return painted();
              const mo = new MutationObserver(() => {
                if (!document.querySelector('[data-testid="key-row"]')) return;
                mo.disconnect();
                painted();
              });
              mo.observe(document.body, { childList: true, subtree: true });
            },
            { capture: true, once: true },
          );
        });
      });
      await item.locator('.profile-main').click();
      await page.getByTestId('key-row').first().waitFor({ timeout: 60_000 });
      const firstRow = await page.evaluate(() => (window as unknown as { __benchFirstRow: Promise<number> }).__benchFirstRow);

      const scroll = (args: { rowsPerFrame: number; maxFrames: number; timeLimitMs: number; untilEnd: boolean }) =>
        page.evaluate(async ({ rowsPerFrame, maxFrames, timeLimitMs, untilEnd }) => {
          const grid = document.querySelector<HTMLElement>('[data-testid="key-grid"]')!;
          const counts = () => document.querySelector('[data-testid="status-counts"]')?.textContent ?? '';
          // Every row on screen is loaded (no placeholder waits for its page).
          const loadedAll = () => document.querySelectorAll('[data-testid="key-row-placeholder"]').length === 0;
          const atBottom = () => grid.scrollTop + grid.clientHeight >= grid.scrollHeight - 2;
          const rows = () => document.querySelectorAll('[data-testid="key-row"]').length;
          const frames: number[] = [];
          let maxRows = rows();
          const start = performance.now();
          let last = start;
          await new Promise<void>((done) => {
            const step = (now: number) => {
              frames.push(now - last);
              last = now;
              if (frames.length % 300 === 0) console.log(`frames ${frames.length} top ${Math.round(grid.scrollTop)} ${counts()}`);
              maxRows = Math.max(maxRows, rows());
              if (frames.length > maxFrames || now - start > timeLimitMs || (untilEnd && atBottom() && loadedAll())) return done();
              grid.scrollTop += rowsPerFrame * 28;
              requestAnimationFrame(step);
            };
            requestAnimationFrame(step);
          });
          return {
            frames: frames.slice(1),
            maxRows,
            rowsAtEnd: rows(),
            loaded: Number(counts().split('/')[0].replace(/[^0-9]/g, '')),
            reachedEnd: loadedAll() && atBottom(),
            durationMs: performance.now() - start,
          };
        }, args);

      // 0. End, once: the last page is read directly (kv:seek), not the pages before it.
      const endMs = await page.evaluate(async () => {
        const grid = document.querySelector<HTMLElement>('[data-testid="key-grid"]')!;
        grid.focus();
        const t0 = performance.now();
        grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
        await new Promise<void>((resolve) => {
          const check = () => {
            const rows = document.querySelectorAll('[data-testid="key-row"]');
            const last = rows[rows.length - 1];
            const atEnd = last?.getAttribute('aria-rowindex') === grid.getAttribute('aria-rowcount');
            if (atEnd && document.querySelectorAll('[data-testid="key-row-placeholder"]').length === 0) resolve();
            else requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        });
        return performance.now() - t0;
      });
      const loadedAfterEnd = await page.evaluate(() => Number((document.querySelector('[data-testid="status-counts"]')?.textContent ?? '').split('/')[0].replace(/[^0-9]/g, '')));
      await page.evaluate(() => {
        const grid = document.querySelector<HTMLElement>('[data-testid="key-grid"]')!;
        grid.scrollTop = 0;
      });

      // 1. A fast fling from the top (10 rows = 280 px a frame, ~17,000 px/s), pages loading as it goes.
      const flingTop = await scroll({ rowsPerFrame: 10, maxFrames: 600, timeLimitMs: 60_000, untilEnd: false });
      // 2. Walk the whole keyspace (as dragging the scrollbar down would), each screen read where it is.
      const walk = await scroll({ rowsPerFrame: opts.walkRowsPerFrame ?? 200, maxFrames: Infinity, timeLimitMs: opts.timeLimitMs ?? 240_000, untilEnd: true });
      // 3. The same fling at the bottom: frame cost must not grow with the keyspace.
      const flingBottom = await scroll({ rowsPerFrame: -10, maxFrames: 600, timeLimitMs: 60_000, untilEnd: false });
      const stats = (f: number[]) => {
        const sorted = [...f].sort((a, b) => a - b);
        return { p50: round(pct(sorted, 50)), p95: round(pct(sorted, 95)), max: round(sorted.at(-1) ?? 0) };
      };
      const top = stats(flingTop.frames);
      const bottom = stats(flingBottom.frames);
      const walked = stats(walk.frames);
      return {
        grid_keys_expected: opts.expectedKeys,
        grid_connect_to_first_row_painted_ms: round(firstRow),
        grid_dom_rows_max: Math.max(flingTop.maxRows, walk.maxRows, flingBottom.maxRows),
        grid_dom_rows_at_end: walk.rowsAtEnd,
        grid_rows_loaded_at_end: walk.loaded,
        grid_reached_end: walk.reachedEnd,
        grid_end_key_ms: round(endMs),
        grid_rows_loaded_after_end: loadedAfterEnd,
        grid_fling_top_frame_ms_p50: top.p50,
        grid_fling_top_frame_ms_p95: top.p95,
        grid_fling_top_frame_ms_max: top.max,
        grid_fling_bottom_frame_ms_p50: bottom.p50,
        grid_fling_bottom_frame_ms_p95: bottom.p95,
        grid_fling_bottom_frame_ms_max: bottom.max,
        grid_walk_duration_ms: Math.round(walk.durationMs),
        grid_walk_frames: walk.frames.length,
        grid_walk_frame_ms_p50: walked.p50,
        grid_walk_frame_ms_p95: walked.p95,
      };
    } finally {
      await app.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
