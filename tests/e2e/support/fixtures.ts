/**
 * Playwright fixtures for the end-to-end suite:
 *  - `rendererUrl` (worker): the built renderer served on 127.0.0.1, once per worker;
 *  - `profilesDir`: a fresh, empty profiles folder per test (so every test is a first run);
 *  - `startEtcd(opts)`: a real etcd (single node or cluster) on free ports, closed after the test;
 *  - `launch(opts)`: opens the renderer in `page` wired to the real handler table (see bridge.ts);
 *  - `ui`: the page objects;
 *  - `pageErrors` (automatic): any uncaught error in the page fails the test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { startCluster, type EtcdCluster, type StartClusterOptions } from '../../support/etcd';
import { AppPage } from '../pages/app-page';
import { openApp, serveRenderer, type AppUnderTest } from './bridge';

export type LaunchOptions = Omit<NonNullable<Parameters<typeof openApp>[2]>, 'profilesDir'>;

export interface TestFixtures {
  profilesDir: string;
  startEtcd(opts?: StartClusterOptions): Promise<EtcdCluster>;
  launch(opts?: LaunchOptions): Promise<AppUnderTest>;
  ui: AppPage;
  /** Uncaught errors in the page; the test fails if any happened (automatic). */
  pageErrors: Error[];
}

export interface WorkerFixtures {
  rendererUrl: string;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  // A click that cannot happen fails within seconds instead of at the test timeout.
  actionTimeout: 15_000,
  rendererUrl: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await serveRenderer();
      await use(server.url);
      await server.close();
    },
    { scope: 'worker' },
  ],

  // eslint-disable-next-line no-empty-pattern
  profilesDir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'etcd-desktop-e2e-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },

  // eslint-disable-next-line no-empty-pattern
  startEtcd: async ({}, use) => {
    const started: EtcdCluster[] = [];
    await use(async (opts = {}) => {
      const etcd = await startCluster({ startTimeoutMs: 30_000, ...opts });
      started.push(etcd);
      return etcd;
    });
    // SIGKILL, followers first (the launcher's close); by PID only.
    await Promise.all(started.map((e) => e.close()));
  },

  launch: async ({ page, rendererUrl, profilesDir }, use) => {
    const apps: AppUnderTest[] = [];
    await use(async (opts = {}) => {
      const app = await openApp(page, rendererUrl, { ...opts, profilesDir });
      apps.push(app);
      return app;
    });
    // Close the page first so no late push event races the handler teardown.
    await page.close();
    for (const app of apps) await app.close();
  },

  ui: async ({ page }, use) => {
    await use(new AppPage(page));
  },

  pageErrors: [
    async ({ page }, use) => {
      const errors: Error[] = [];
      page.on('pageerror', (e) => errors.push(e));
      await use(errors);
      expect(errors.map((e) => e.message), 'uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
