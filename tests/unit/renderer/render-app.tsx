/**
 * The whole App rendered over a fake API with an in-memory etcd, for tests that drive the
 * window as a person does: the profiles, the keys, extra answers, then (optionally) connected.
 */
import { act, render } from '@testing-library/react';
import { App } from '../../../src/renderer/src/app/App';
import { createAppStore, type AppStore } from '../../../src/renderer/src/app/create-app-store';
import { StoreProvider } from '../../../src/renderer/src/app/store-context';
import type { Profile } from '../../../src/shared/types';
import { createFakeApi, flush, memoryEtcd, okR, useMemoryEtcd, type FakeApi } from './fake-api';

export interface RenderAppOptions {
  readonly profiles: Profile[];
  /** The in-memory etcd's keys and text values. */
  readonly keys?: Record<string, string>;
  /** Answers beyond the memory etcd's, set before the App starts. */
  readonly prepare?: (fake: FakeApi) => void;
  /** Connect this profile through the store once the App has loaded. */
  readonly connect?: string;
}

export async function renderApp(opts: RenderAppOptions): Promise<{ store: AppStore; fake: FakeApi }> {
  const fake = createFakeApi();
  fake.ep['profiles:list'].handle(() => okR({ profiles: opts.profiles, secretStorage: 'encrypted', notices: [] }));
  useMemoryEtcd(fake, memoryEtcd(opts.keys ?? {}));
  opts.prepare?.(fake);
  const store = createAppStore(fake.api);
  render(
    <StoreProvider store={store}>
      <App />
    </StoreProvider>,
  );
  await act(flush);
  if (opts.connect !== undefined) {
    const id = opts.connect;
    await act(async () => {
      await store.getState().switchProfile(id);
      await flush();
    });
  }
  return { store, fake };
}
