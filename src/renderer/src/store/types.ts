import type { StoreApi } from 'zustand/vanilla';
import type { EtcdClient } from '../api/etcd-client';
import type { ClusterSlice } from './cluster-slice';
import type { EditorSlice } from './editor-slice';
import type { KeysSlice } from './keys-slice';
import type { NotificationsSlice } from './notifications-slice';
import type { ProfilesSlice } from './profiles-slice';
import type { UiSlice } from './ui-slice';

export type AppState = ProfilesSlice & KeysSlice & EditorSlice & NotificationsSlice & UiSlice & ClusterSlice;

export type SetState = StoreApi<AppState>['setState'];
export type GetState = StoreApi<AppState>['getState'];

export interface SliceDeps {
  readonly client: EtcdClient;
  /** Clock, injectable for tests. */
  readonly now: () => number;
}

export type Slice<T> = (set: SetState, get: GetState, deps: SliceDeps) => T;
