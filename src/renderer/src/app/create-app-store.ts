/**
 * The one application store: a vanilla zustand store built from slices, created with the
 * `EtcdApi` it talks to (the preload bridge in the app, a fake in tests).
 */
import { createContext, createElement, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EtcdApi } from '../../../shared/contract';
import { createEtcdClient } from '../api/etcd-client';
import { createClusterSlice } from '../features/cluster-status/cluster-slice';
import { createEditorSlice } from '../features/editor/editor-slice';
import { createKeysSlice } from '../features/keys/keys-slice';
import { createNotificationsSlice } from '../features/notifications/notifications-slice';
import { createProfilesSlice } from '../features/connections/connections-slice';
import type { AppState, SliceDeps } from './slice';
import { createUiSlice } from './shell-slice';

export type { AppState } from './slice';
export type AppStore = StoreApi<AppState>;

export function createAppStore(api: EtcdApi, opts: { now?: () => number } = {}): AppStore {
  const deps: SliceDeps = { client: createEtcdClient(api), now: opts.now ?? (() => Date.now()) };
  return createStore<AppState>()((set, get) => ({
    ...createNotificationsSlice(set, get, deps),
    ...createUiSlice(set, get, deps),
    ...createProfilesSlice(set, get, deps),
    ...createKeysSlice(set, get, deps),
    ...createEditorSlice(set, get, deps),
    ...createClusterSlice(set, get, deps),
  }));
}

const StoreContext = createContext<AppStore | null>(null);

export function StoreProvider({ store, children }: { store: AppStore; children?: ReactNode }) {
  return createElement(StoreContext.Provider, { value: store }, children);
}

/** The store instance (for actions in event handlers without subscribing). */
export function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore must be used inside <StoreProvider>');
  return store;
}

/** Subscribe to a slice of the state. Select primitives or stable references. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStoreApi(), selector);
}
