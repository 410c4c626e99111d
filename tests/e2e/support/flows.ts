/** Steps many tests share. */
import type { EtcdCluster } from '../../support/etcd';
import type { AppPage } from '../pages/app-page';
import type { AppUnderTest } from './bridge';
import { saveProfile } from './etcd-helpers';
import type { LaunchOptions } from './fixtures';

/**
 * Open the app with a saved profile for `etcd` (saved through the real handlers, then the page
 * reloads to pick it up) and click it. Returns the app and the profile id; the caller waits for
 * what it expects to see.
 */
export async function openConnected(
  launch: (opts?: LaunchOptions) => Promise<AppUnderTest>,
  ui: AppPage,
  etcd: EtcdCluster,
  opts: { name?: string; deadlineMs?: number; launch?: LaunchOptions } = {},
): Promise<{ app: AppUnderTest; profileId: string }> {
  const app = await launch(opts.launch);
  const name = opts.name ?? 'e2e etcd';
  const profileId = await saveProfile(app, { name, endpoints: etcd.endpoints, deadlineMs: opts.deadlineMs ?? 3000 });
  await ui.page.reload();
  await ui.sidebar.connect(name);
  return { app, profileId };
}
