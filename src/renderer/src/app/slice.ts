import type { StoreApi } from 'zustand/vanilla';
import type { EtcdClient } from '../api/etcd-client';
import type { ClusterSlice } from '../features/cluster-status/cluster-slice';
import type { EditorSlice } from '../features/editor/editor-slice';
import type { KeysSlice } from '../features/keys/keys-slice';
import type { NotificationsSlice } from '../features/notifications/notifications-slice';
import type { ProfilesSlice } from '../features/connections/connections-slice';
import type { UiSlice } from './shell-slice';

export type AppState = ProfilesSlice & KeysSlice & EditorSlice & NotificationsSlice & UiSlice & ClusterSlice;

export type SetState = StoreApi<AppState>['setState'];
export type GetState = StoreApi<AppState>['getState'];

export interface SliceDeps {
  readonly client: EtcdClient;
  /** Clock, injectable for tests. */
  readonly now: () => number;
}

export type Slice<T> = (set: SetState, get: GetState, deps: SliceDeps) => T;
