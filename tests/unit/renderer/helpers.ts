import { createAppStore, type AppStore } from '../../../src/renderer/src/app/create-app-store';
import { createFakeApi, flush, okR, profile, type FakeApi } from './fake-api';

/** A store with profiles "a" and "b" loaded, not connected. */
export async function setupStore(): Promise<{ store: AppStore; fake: FakeApi; cleanup: () => void }> {
  const fake = createFakeApi();
  fake.ep['profiles:list'].handle(() =>
    okR({ profiles: [profile('a', { username: 'alice' }), profile('b')], secretStorage: 'encrypted', notices: [] }),
  );
  const store = createAppStore(fake.api);
  const cleanup = store.getState().init();
  await flush();
  return { store, fake, cleanup };
}
