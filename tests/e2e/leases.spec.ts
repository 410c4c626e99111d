import { expect, test } from './support/fixtures';
import { etcdText, seedKeys } from './support/etcd-helpers';
import { openConnected } from './support/flows';
import { LeaseChoice, LeasesView } from './pages/leases';

test('leases: grant, attach in New Key, the lease column counts down in hex, revoke after a confirmation listing the key', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  await seedKeys(etcd, [['/leased/other', 'stays']]);
  await openConnected(launch, ui, etcd);
  await expect(ui.grid.count).toHaveText('1 key');

  // Grant a lease with a chosen id above 2^53, typed in hex.
  const leases = new LeasesView(ui.page);
  await leases.toolbarButton().click();
  await expect(leases.root).toBeVisible();
  await leases.grantButton.click();
  await leases.grant.ttl.fill('300');
  const hex = '1000000000000abc';
  const decimal = BigInt(`0x${hex}`).toString();
  await leases.grant.id.fill(`0x${hex}`);
  await leases.grant.submit.click();
  await expect(leases.grant.root).toHaveCount(0);
  await expect(leases.row(hex)).toBeVisible();
  await expect(leases.row(hex)).toContainText(decimal);
  await expect(leases.row(hex)).toContainText('5 min 00 s');
  // etcd agrees (etcdctl prints lease ids in hex).
  expect((await etcd.etcdctl(['lease', 'list'])).stdout).toContain(hex);

  // Attach it to a new key.
  await leases.close.click();
  await ui.toolbar.button('new-key').click();
  await expect(ui.newKey.root).toBeVisible();
  await ui.newKey.key.fill('/leased/session');
  await ui.newKey.value.fill('held by a lease');
  const choice = new LeaseChoice(ui.newKey.root);
  await expect(choice.mode).toHaveValue('none');
  await choice.mode.selectOption('attach');
  await choice.id.fill(hex);
  await ui.newKey.create.click();
  await expect(ui.newKey.root).toHaveCount(0);
  const ttl = await etcd.etcdctl(['lease', 'timetolive', hex, '--keys']);
  expect(ttl.stdout).toContain('/leased/session');

  // The grid's lease column: hex id, and seconds left counting down.
  const cell = ui.grid.row('/leased/session').getByTestId('lease-cell');
  await expect(cell).toContainText(hex);
  await expect(cell).toContainText(/4 min 5\d s|5 min 00 s/);
  const first = await cell.locator('.lease-ttl').textContent();
  await expect(cell.locator('.lease-ttl')).not.toHaveText(first ?? '', { timeout: 5000 });
  await expect(ui.grid.row('/leased/other').getByTestId('lease-cell')).toHaveCount(0);

  // The value panel's lease info.
  await ui.grid.select('/leased/session');
  const info = ui.page.getByTestId('lease-info');
  await expect(info).toContainText(hex);
  await expect(info).toContainText('5 min 00 s'); // granted TTL
  await expect(info.getByTestId('lease-remaining')).toContainText(/\d+ min \d\d s/);

  // Revoke: the confirmation lists the key that will be deleted, with the count.
  await leases.toolbarButton().click();
  await expect(leases.row(hex)).toContainText('1'); // keys count
  // Time to live with keys.
  await ui.page.getByRole('button', { name: `Keys of lease ${hex}`, exact: true }).click();
  await expect(ui.page.getByTestId('lease-keys')).toContainText('/leased/session');
  await expect(ui.page.getByTestId('lease-keys')).toContainText('1 key');
  await leases.revoke(hex).click();
  await expect(ui.confirm.root).toBeVisible();
  await expect(ui.confirm.root).toContainText(`Revoking lease ${hex}`);
  await expect(ui.confirm.subject).toHaveText('/leased/session');
  await ui.confirm.button('Revoke and delete 1 key').click();
  await expect(ui.confirm.root).toHaveCount(0);
  await expect(leases.row(hex)).toHaveCount(0);
  expect(await etcdText(etcd, '/leased/session')).toBeNull();
  expect(await etcdText(etcd, '/leased/other')).toBe('stays');

  // The key is gone from the grid.
  await leases.close.click();
  await expect(ui.grid.row('/leased/session')).toHaveCount(0);
  await expect(ui.grid.row('/leased/other')).toBeVisible();
});

test('leases: keep alive once and continuously while the view is open; leaving the view stops it', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  await openConnected(launch, ui, etcd);
  // Someone else's lease, granted once the app is up (a 4 s TTL would not outlive the start).
  const granted = (await etcd.etcdctl(['lease', 'grant', '4'])).stdout;
  const hex = /lease ([0-9a-f]+) granted/.exec(granted)![1];
  await etcd.etcdctl(['put', '/ka/key', 'v', `--lease=${hex}`]);
  const leases = new LeasesView(ui.page);
  await leases.toolbarButton().click();
  await expect(leases.row(hex)).toBeVisible();
  await expect(leases.root).toContainText('someone else’s lease');

  await leases.keepAliveOnce(hex).click();
  await expect(leases.remaining(hex)).toHaveText(/^[34] s$/);

  await leases.keepAlive(hex).check();
  // Past its 4 s TTL, still alive and renewed (renewals every ~1.3 s).
  await expect(leases.keepAlive(hex)).toBeChecked();
  // The key is still there 6 s later (a deleted key never comes back, so it was alive all along).
  const start = Date.now();
  await expect
    .poll(async () => ((await etcdText(etcd, '/ka/key')) === 'v' ? Date.now() - start : -1), { timeout: 9000, intervals: [500] })
    .toBeGreaterThan(6000);
  await expect(leases.remaining(hex)).toHaveText(/^[1-4] s$/);

  // Leaving the view closes the keep-alive: the lease then runs out and takes its key.
  await leases.close.click();
  await expect
    .poll(async () => etcdText(etcd, '/ka/key'), { timeout: 10_000, intervals: [250] })
    .toBeNull();
});

test('leases: the editor saves with an explicit lease choice (detach, then a new lease), checked with etcdctl', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd();
  const granted = (await etcd.etcdctl(['lease', 'grant', '600'])).stdout;
  const hex = /lease ([0-9a-f]+) granted/.exec(granted)![1];
  await etcd.etcdctl(['put', '/ed/key', 'v1', `--lease=${hex}`]);
  /** The key's lease as etcd reports it, read from the JSON text (never JSON.parse: int64). */
  const leaseOf = async () => /"lease":(\d+)/.exec((await etcd.etcdctl(['get', '/ed/key', '-w', 'json'])).stdout)?.[1] ?? '0';
  await openConnected(launch, ui, etcd);
  await ui.grid.select('/ed/key');
  const info = ui.page.getByTestId('lease-info');
  await expect(info).toContainText(hex);
  await expect(info).toContainText('10 min 00 s');

  const choice = new LeaseChoice(ui.page.getByTestId('editor-lease'));
  await expect(choice.mode).toHaveValue('keep');
  await choice.mode.selectOption('none');
  // The value is unchanged: the lease choice alone is worth a save.
  await ui.value.saveButton.click();
  await expect.poll(leaseOf).toBe('0');
  await expect(info).toHaveCount(0);
  await expect(choice.mode).toHaveValue('keep');
  expect(await etcdText(etcd, '/ed/key')).toBe('v1');

  await choice.mode.selectOption('grant');
  await choice.ttl.fill('120');
  await ui.value.saveButton.click();
  await expect.poll(leaseOf).not.toBe('0');
  const id = await leaseOf();
  await expect(info).toContainText(BigInt(id).toString(16).padStart(16, '0'));
  await expect(info).toContainText('2 min 00 s');
  await expect(ui.grid.row('/ed/key').getByTestId('lease-cell')).toContainText(BigInt(id).toString(16).padStart(16, '0'));
});
