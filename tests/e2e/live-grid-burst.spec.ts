/**
 * A burst of 10,000 puts by another client under the grid's prefix, with frame times measured
 * in the page against the same burst outside the prefix (the baseline, in the same test).
 */
import { Etcd3 } from 'etcd3';
import { expect, test } from './support/fixtures';
import { seedKeys } from './support/etcd-helpers';
import { openConnected } from './support/flows';

// Playwright's trace records a screencast: measured during this burst, it cost the GPU and
// browser processes ~450 ms of CPU on 2 cores, time the page then waited for.
test.use({ trace: 'off' });

test('a burst of 10,000 puts in about a second: coalesced to at most one store update per frame; frame p95 printed', async ({
  launch,
  startEtcd,
  ui,
}) => {
  test.setTimeout(120_000);
  const etcd = await startEtcd();
  await seedKeys(etcd, [
    ['/burst/000000-first', 'x'],
    ['/burst/zzzzzz-last', 'x'],
  ]);
  await openConnected(launch, ui, etcd);
  await ui.grid.applyPrefix('/burst/');
  await expect(ui.grid.count).toHaveText('2 keys');
  await expect(ui.live.liveState()).toHaveAttribute('data-state', 'live');

  // Frame times in the page (requestAnimationFrame deltas) while someone else writes 10,000
  // keys: first under a prefix the grid does not show (the baseline: etcd, the writer and the
  // watch's main side busy on the same cores, the grid idle), then under the grid's prefix.
  // The wait for the last row is in the page too (a MutationObserver), so no test-side polling
  // of the page runs while frames are measured.
  const N = 10_000;
  const writeBurst = async (prefix: string): Promise<number> => {
    const writer = new Etcd3({ hosts: etcd.endpoints });
    const started = Date.now();
    try {
      // The burst: 10,000 events in a second, paced as 1,000 puts (ten transactions of
      // 100) every 100 ms; a tick that runs late is not made up for.
      const PER_TXN = 100;
      const TICKS = 10;
      const perTick = N / TICKS / PER_TXN;
      for (let tick = 0; tick < TICKS; tick++) {
        const due = started + tick * 100;
        if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
        await Promise.all(
          Array.from({ length: perTick }, (_, k) => {
            const t = tick * perTick + k;
            const ops = Array.from({ length: PER_TXN }, (_, j) => {
              const n = t * PER_TXN + j;
              return writer.put(`${prefix}${String(n).padStart(6, '0')}`).value(`value ${n}`);
            });
            return writer.if('/burst/000000-first', 'Create', '>', 0).then(...ops).commit();
          }),
        );
      }
    } finally {
      writer.close();
    }
    return Date.now() - started;
  };
  /** Frames from now until `done` resolves in the page. */
  const framesUntil = (done: 'a second' | string) =>
    ui.page.evaluate(
      (target) =>
        new Promise<{ frames: number[]; updates: number }>((resolve) => {
          const pane = document.getElementById('key-pane')!;
          const count = document.querySelector('[data-testid="key-count"]')!;
          const updatesBefore = Number(pane.dataset.liveUpdates);
          const frames: number[] = [];
          let measuring = true;
          let last = 0;
          const finish = () => {
            measuring = false;
            resolve({ frames, updates: Number(pane.dataset.liveUpdates) - updatesBefore });
          };
          const loop = (t: number) => {
            if (last) frames.push(t - last);
            last = t;
            if (measuring) requestAnimationFrame(loop);
          };
          requestAnimationFrame(loop);
          if (target === 'a second') {
            setTimeout(finish, 1000);
            return;
          }
          const observer = new MutationObserver(() => {
            if (count.textContent !== target) return;
            observer.disconnect();
            finish();
          });
          observer.observe(count, { childList: true, characterData: true, subtree: true });
        }),
      done,
    );
  const idle = (await framesUntil('a second')).frames;

  const baselineFrames = framesUntil('a second');
  const baselineWriteMs = await writeBurst('/elsewhere/');
  const baseline = await baselineFrames;
  expect(baseline.updates, 'writes outside the prefix do not touch the grid').toBe(0);
  await expect(ui.grid.count).toHaveText('2 keys');

  const caughtUp = framesUntil('10,002 keys');
  const started = Date.now();
  const writeMs = await writeBurst('/burst/');
  const { frames, updates } = await caughtUp;
  const caughtUpMs = Date.now() - started;
  await expect(ui.grid.count).toHaveText('10,002 keys');
  const p95of = (xs: number[]) => {
    const sorted = [...xs].sort((x, y) => x - y);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
  };
  const idleP95 = p95of(idle);
  const baselineP95 = p95of(baseline.frames);
  const p95 = p95of(frames);
  const max = Math.max(0, ...frames);
  console.log(
    `[live-grid burst] ${N} puts written in ${writeMs} ms, grid caught up after ${caughtUpMs} ms; ` +
      `frames ${frames.length}, frame p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms; ` +
      `baseline (the same burst outside the grid's prefix, written in ${baselineWriteMs} ms): frame p95 ${baselineP95.toFixed(1)} ms, ` +
      `ratio ${(p95 / Math.max(baselineP95, 1)).toFixed(2)}; at rest: p95 ${idleP95.toFixed(1)} ms; ` +
      `store updates ${updates} for ${frames.length} frames`,
  );
  test.info().annotations.push({ type: 'frame-p95-ms', description: p95.toFixed(1) }, { type: 'store-updates', description: `${updates} / ${frames.length} frames` });

  expect(updates).toBeGreaterThan(0);
  // One store update per frame at most (+2: the first and last frame may be cut by the window).
  expect(updates, 'at most one store update per frame').toBeLessThanOrEqual(frames.length + 2);
  // The rule: the figure is printed, the test asserts coalescing. On a quiet machine
  // (CI with cores to spare) LIVE_GRID_MAX_P95_MS=50 also holds the figure to the target.
  const maxP95 = Number(process.env.LIVE_GRID_MAX_P95_MS ?? 'NaN');
  if (Number.isFinite(maxP95)) expect(p95, 'frame p95 during the burst').toBeLessThan(maxP95);
  expect(await ui.grid.renderedKeys()).toContain('/burst/000000');
});
