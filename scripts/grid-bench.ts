/**
 * The grid part of the benchmark: the real renderer in Chromium, with the preload replaced by
 * the end-to-end bridge (the real handler table in this process), against a live etcd.
 * Measures connect → first rows painted, the DOM row count, and frame times while scrolling
 * the whole keyspace from top to bottom.
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
  readonly grid_scroll_duration_ms: number;
  readonly grid_scroll_frames: number;
  readonly grid_frame_ms_p50: number;
  readonly grid_frame_ms_p95: number;
  readonly grid_frame_ms_max: number;
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
  /** Rows to scroll per animation frame (a fast fling). */
  rowsPerFrame?: number;
}): Promise<GridFigures> {
  ensureRendererBuilt();
  const server = await serveRenderer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const app = await openApp(page, server.url);
    try {
      const saved = await app.handlers['profiles:save']({ name: 'bench', endpoints: [...opts.endpoints], deadlineMs: 10_000 });
      if (!saved.ok) throw new Error(saved.error.message);
      await page.reload();
      const item = page.getByTestId('profile-item').filter({ hasText: 'bench' });
      await item.waitFor();

      // Connect → first row in the DOM → the next animation frame (it has been painted).
      const t0 = performance.now();
      await item.click();
      await page.getByTestId('key-row').first().waitFor({ timeout: 60_000 });
      await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => r())));
      const firstRow = performance.now() - t0;

      // tsx compiles with keepNames, which wraps named functions in the evaluated source in a
      // `__name(...)` helper that does not exist in the page.
      await page.evaluate('globalThis.__name = (f) => f');
      // Scroll in the page, one step per frame, recording each frame's duration; the grid loads
      // pages as it nears the loaded end, so this walks the whole keyspace.
      const result = await page.evaluate(
        async ({ timeLimitMs, rowsPerFrame }) => {
          const grid = document.querySelector<HTMLElement>('[data-testid="key-grid"]')!;
          const counts = () => document.querySelector('[data-testid="status-counts"]')?.textContent ?? '';
          const loadedAll = () => {
            const [loaded, total] = counts().split('/').map((s) => Number(s.replace(/[^0-9]/g, '')));
            return loaded > 0 && loaded === total;
          };
          const rows = () => document.querySelectorAll('[data-testid="key-row"]').length;
          const frames: number[] = [];
          let maxRows = rows();
          const start = performance.now();
          let last = start;
          await new Promise<void>((done) => {
            const step = (now: number) => {
              frames.push(now - last);
              last = now;
              maxRows = Math.max(maxRows, rows());
              const atBottom = grid.scrollTop + grid.clientHeight >= grid.scrollHeight - 2;
              if ((atBottom && loadedAll()) || now - start > timeLimitMs) return done();
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
            reachedEnd: loadedAll() && grid.scrollTop + grid.clientHeight >= grid.scrollHeight - 2,
            durationMs: performance.now() - start,
          };
        },
        { timeLimitMs: opts.timeLimitMs ?? 240_000, rowsPerFrame: opts.rowsPerFrame ?? 40 },
      );
      const sorted = [...result.frames].sort((a, b) => a - b);
      return {
        grid_keys_expected: opts.expectedKeys,
        grid_connect_to_first_row_painted_ms: round(firstRow),
        grid_dom_rows_max: result.maxRows,
        grid_dom_rows_at_end: result.rowsAtEnd,
        grid_rows_loaded_at_end: result.loaded,
        grid_reached_end: result.reachedEnd,
        grid_scroll_duration_ms: Math.round(result.durationMs),
        grid_scroll_frames: result.frames.length,
        grid_frame_ms_p50: round(pct(sorted, 50)),
        grid_frame_ms_p95: round(pct(sorted, 95)),
        grid_frame_ms_max: round(sorted.at(-1) ?? 0),
      };
    } finally {
      await app.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
