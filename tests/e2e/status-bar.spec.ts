/**
 * The status bar says how the cluster is doing, in words and colour, not only in the cluster
 * view: all members, a degraded cluster ("2 of 3 members"), no quorum.
 *
 * The member counts come from main's background liveness probe, which pushes them as
 * `event:connection-status`. This spec pushes those events itself, through the page-side
 * bridge's emitter (what main's `emit` calls), stamped later than anything main sends during
 * the test, so it checks the built renderer's reading of them — words, title, accessible name,
 * colour from the stylesheet — whatever main's probe does meanwhile.
 */
import type { Page } from '@playwright/test';
import type { ConnectionStatus } from '../../src/shared/types';
import { expect, test } from './support/fixtures';
import { seedKeys } from './support/etcd-helpers';
import { openConnected } from './support/flows';

/** Push a connection status to the page the way main does. */
async function pushStatus(page: Page, status: ConnectionStatus): Promise<void> {
  await page.evaluate((s) => (window as unknown as { __etcdEmit(e: string, p: unknown): void }).__etcdEmit('event:connection-status', s), status);
}

/** The colour a CSS variable of the app's stylesheet resolves to here (light or dark). */
async function cssColor(page: Page, variable: string): Promise<string> {
  return page.evaluate((v) => {
    const probe = document.createElement('span');
    probe.style.color = `var(${v})`;
    document.body.appendChild(probe);
    const color = getComputedStyle(probe).color;
    probe.remove();
    return color;
  }, variable);
}

test('the status bar shows a degraded cluster and a lost quorum in words and colour', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  await seedKeys(etcd, [['/app/one', '1']]);
  const { profileId } = await openConnected(launch, ui, etcd, { name: 'prod' });
  await expect(ui.grid.count).toHaveText('1 key');
  await expect(ui.status.health).toHaveText('Connected');
  const [warning, danger] = await Promise.all([cssColor(ui.page, '--warning'), cssColor(ui.page, '--danger')]);
  const healthyColor = await ui.status.health.evaluate((el) => getComputedStyle(el).color);
  expect(healthyColor).not.toBe(warning);

  // Later than any status main sends during the test, so main's own events never undo these.
  let at = Date.now() + 10 * 60_000;
  const push = (s: Omit<ConnectionStatus, 'profileId' | 'at'>) => pushStatus(ui.page, { profileId, at: ++at, ...s });

  // One member of three stops answering: still connected, amber, and it says which way.
  await push({ state: 'connected', endpoint: etcd.endpoints[0], members: { answering: 2, total: 3, hasLeader: true } });
  await expect(ui.status.health).toHaveText('Connected · 2 of 3 members');
  await expect(ui.status.health).toHaveAttribute('title', /^Connected, degraded: 1 member is not answering/);
  await expect(ui.status.dot).toHaveAccessibleName(/1 member is not answering/);
  await expect(ui.status.health).toHaveCSS('color', warning);
  await expect(ui.status.dot).toHaveCSS('background-color', warning);
  // The sidebar's dot says the same for the profile.
  await expect(ui.sidebar.state('prod')).toHaveAccessibleName(/1 member is not answering/);
  // It is a state, not a message: the message line stays free.
  await expect(ui.status.message).toHaveText('');

  // The majority is gone: no quorum, red, the reason on hover.
  await push({
    state: 'unreachable',
    endpoint: etcd.endpoints[0],
    error: { code: 'NO_QUORUM', message: 'etcdserver: no leader', details: { endpoint: etcd.endpoints[0] } },
    members: { answering: 1, total: 3, hasLeader: false },
  });
  await expect(ui.status.health).toHaveText('No quorum');
  await expect(ui.status.health).toHaveAttribute('title', /1 of 3 members answering.*The cluster has no quorum/);
  await expect(ui.status.health).toHaveCSS('color', danger);
  await expect(ui.status.dot).toHaveCSS('background-color', danger);
  await expect(ui.status.dot).toHaveAccessibleName(/^No quorum/);

  // All members back: "Connected", and the amber and red are gone.
  await push({ state: 'connected', endpoint: etcd.endpoints[0], members: { answering: 3, total: 3, hasLeader: true } });
  await expect(ui.status.health).toHaveText('Connected');
  await expect(ui.status.health).toHaveAttribute('title', 'Connected: all 3 members answering');
  await expect(ui.status.health).toHaveCSS('color', healthyColor);
  await expect(ui.status.dot).toHaveAccessibleName('Connected');
});
