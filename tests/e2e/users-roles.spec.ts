import { expect, test } from './support/fixtures';
import { AccessView } from './pages/access';

test('users & roles: add a user and a role with a prefix permission through the UI; etcd enforces exactly that prefix', async ({ launch, startEtcd, ui }) => {
  const etcd = await startEtcd({ auth: { rootPassword: 'r00t-pw' } });
  for (const [k, v] of [['pub/hello', 'world'], ['pubx', 'outside'], ['secret/s', 'hidden']]) expect((await etcd.etcdctl(['put', k, v])).code).toBe(0);
  const app = await launch();
  const saved = await app.handlers['profiles:save']({ name: 'root profile', endpoints: etcd.endpoints, username: 'root', password: 'r00t-pw', deadlineMs: 3000 });
  expect(saved.ok).toBe(true);
  await ui.page.reload();
  await ui.sidebar.connect('root profile');
  await expect(ui.grid.count).toHaveText('3 keys');

  const access = new AccessView(ui.page);
  await ui.toolbar.button('cluster-view').click();
  await access.openButton.click();
  await expect(access.root).toBeVisible();
  await expect(access.auth).toHaveAttribute('data-enabled', 'true');
  await expect(access.user('root')).toContainText('root');

  // Add a user; the two passwords must match before anything is sent.
  await access.addUserButton.click();
  await access.dialog.name.fill('alice');
  await access.dialog.password.fill('alice-pw');
  await access.dialog.passwordAgain.fill('alice-typo');
  await access.dialog.submit.click();
  await expect(access.dialog.error).toContainText('differ');
  await access.dialog.passwordAgain.fill('alice-pw');
  await access.dialog.submit.click();
  await expect(access.dialog.root).toHaveCount(0);
  await expect(access.user('alice')).toContainText('no role');

  // The same name again: etcd refuses, the dialog says so and stays open.
  await access.addUserButton.click();
  await access.dialog.name.fill('alice');
  await access.dialog.password.fill('x');
  await access.dialog.passwordAgain.fill('x');
  await access.dialog.submit.click();
  await expect(access.dialog.error).toHaveAttribute('data-code', 'CONFLICT');
  await expect(access.dialog.error).toContainText('already exists');
  await access.dialog.cancel.click();

  // A role with read on the prefix pub/.
  await access.addRoleButton.click();
  await access.dialog.name.fill('pubread');
  await access.dialog.submit.click();
  await expect(access.role('pubread')).toContainText('no permission');
  await access.role('pubread').getByRole('button', { name: 'Grant permission…' }).click();
  await access.dialog.permission.selectOption('read');
  await access.dialog.scope.selectOption('prefix');
  await access.dialog.prefix.fill('pub/');
  await access.dialog.submit.click();
  await expect(access.dialog.root).toHaveCount(0);
  await expect(access.role('pubread').getByTestId('access-permission')).toHaveText([/^read prefix pub\//]);

  // Grant the role to alice.
  await access.user('alice').getByRole('button', { name: 'Grant role…' }).click();
  await access.dialog.role.selectOption('pubread');
  await access.dialog.submit.click();
  await expect(access.user('alice').getByTestId('access-user-role')).toHaveText([/pubread/]);

  // etcd agrees: the range end was computed from the prefix, and alice reads exactly pub/.
  const role = await etcd.etcdctl(['role', 'get', 'pubread']);
  expect(role.stdout).toContain('[pub/, pub0) (prefix pub/)');
  const asAlice = { user: 'alice:alice-pw' };
  expect((await etcd.etcdctl(['get', 'pub/hello', '--print-value-only'], asAlice)).stdout.trim()).toBe('world');
  expect((await etcd.etcdctl(['get', 'pubx'], asAlice)).code).not.toBe(0);
  expect((await etcd.etcdctl(['get', 'secret/s'], asAlice)).code).not.toBe(0);
  // The password was never shown back.
  await expect(access.root).not.toContainText('alice-pw');
});
