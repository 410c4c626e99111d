/**
 * The one application store: a vanilla zustand store assembled from the features' slices,
 * created with the `EtcdApi` it talks to (the preload bridge in the app, a fake in tests).
 * It needs no React; app/store-context.ts hands it to components.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EtcdApi } from '../../../shared/contract';
import { createEtcdClient } from '../api/etcd-client';
import { createAccessSlice, type AccessSlice } from '../features/access/access-slice';
import { createAuditSlice, type AuditSlice } from '../features/audit/audit-slice';
import { createAnalyzeSlice, type AnalyzeSlice } from '../features/kubernetes/analyze-slice';
import { createBulkSlice, type BulkSlice } from '../features/bulk/bulk-slice';
import { createCopySlice, type CopySlice } from '../features/bulk/copy-slice';
import { createClusterSlice, type ClusterSlice } from '../features/cluster/cluster-slice';
import { createMaintenanceSlice, type MaintenanceSlice } from '../features/cluster/maintenance-slice';
import { createMembersSlice, type MembersSlice } from '../features/cluster/members-slice';
import { createConnectionsSlice, type ConnectionsSlice } from '../features/connections/connections-slice';
import { createEditorSlice, type EditorSlice } from '../features/editor/editor-slice';
import { createHistorySlice, type HistorySlice } from '../features/history/history-slice';
import { createKeysSlice, type KeysSlice } from '../features/keys/keys-slice';
import { createK8sViewSlice, type K8sViewSlice } from '../features/kubernetes/k8s-view-slice';
import { createLeasesSlice, type LeasesSlice } from '../features/leases/leases-slice';
import { createNewKeySlice, type NewKeySlice } from '../features/keys/new-key-slice';
import { createNotificationsSlice, type NotificationsSlice } from '../features/notifications/notifications-slice';
import { createTreeSlice, type TreeSlice } from '../features/tree/tree-slice';
import { createK8sTreeSlice, type K8sTreeSlice } from '../features/kubernetes/k8s-tree-slice';
import { createSearchSlice, type SearchSlice } from '../features/search/search-slice';
import { createTransferSlice, type TransferSlice } from '../features/transfer/transfer-slice';
import { createFeeds } from './feeds';
import { createJobs } from './jobs';
import { createConnectionScope, type ScopeState } from './scope';
import { createShellSlice, type ShellSlice } from './shell-slice';
import type { SliceDeps } from './slice';
import { createWorkflows, type Workflows } from './workflows';
import { confirmProductionWrites, createWriteConfirmSlice, type WriteConfirmSlice } from './write-confirm';

export type AppState = ScopeState &
  ShellSlice &
  NotificationsSlice &
  ConnectionsSlice &
  KeysSlice &
  NewKeySlice &
  EditorSlice &
  K8sViewSlice &
  ClusterSlice &
  MaintenanceSlice &
  MembersSlice &
  HistorySlice &
  LeasesSlice &
  TreeSlice &
  K8sTreeSlice &
  SearchSlice &
  BulkSlice &
  CopySlice &
  TransferSlice &
  WriteConfirmSlice &
  AccessSlice &
  AuditSlice &
  AnalyzeSlice &
  Workflows;

export type AppStore = StoreApi<AppState>;

/** Calls that show the cluster answering for a profile: a success resolves that profile's outage in the status bar. */
const CLUSTER_CALLS: ReadonlySet<string> = new Set(['kv', 'watch', 'history', 'leases', 'cluster', 'access']);

function profileOf(request: unknown): string | undefined {
  const id = typeof request === 'object' && request !== null ? (request as { profileId?: unknown }).profileId : undefined;
  return typeof id === 'string' ? id : undefined;
}

export function createAppStore(api: EtcdApi, opts: { now?: () => number } = {}): AppStore {
  let started = 0;
  // Writes to a production profile ask the user first (`store` is built below, before any call).
  const confirmed = confirmProductionWrites(api, {
    profileOf: (id) => store.getState().profiles.find((p) => p.id === id),
    ask: (req) => store.getState().askWriteConfirm(req),
  });
  const client = createEtcdClient(confirmed, ({ namespace, request }) => {
    const seq = ++started;
    const profileId = CLUSTER_CALLS.has(namespace) ? profileOf(request) : undefined;
    if (!profileId) return undefined;
    return (r) => {
      // `store` is built below, before any call can be made.
      if (r.ok) store.getState().callSucceeded(profileId, seq);
    };
  });
  const now = opts.now ?? (() => Date.now());
  const store: AppStore = createStore<AppState>()((set, get) => {
    const scope = createConnectionScope({ get, set: (state) => set(state) });
    const deps: SliceDeps = { client, now, scope, callsStarted: () => started, feeds: createFeeds(client, scope, now), jobs: createJobs(client, scope, now) };
    return {
      activeProfileId: null,
      ...createShellSlice(set, get, deps),
      ...createNotificationsSlice(set, get, deps),
      ...createConnectionsSlice(set, get, deps),
      ...createKeysSlice(set, get, deps),
      ...createNewKeySlice(set, get, deps),
      ...createEditorSlice(set, get, deps),
      ...createK8sViewSlice(set, get, deps),
      ...createClusterSlice(set, get, deps),
      ...createMaintenanceSlice(set, get, deps),
      ...createMembersSlice(set, get, deps),
      ...createHistorySlice(set, get, deps),
      ...createLeasesSlice(set, get, deps),
      ...createTreeSlice(set, get, deps),
      ...createK8sTreeSlice(set, get, deps),
      ...createSearchSlice(set, get, deps),
      ...createBulkSlice(set, get, deps),
      ...createCopySlice(set, get, deps),
      ...createTransferSlice(set, get, deps),
      ...createWriteConfirmSlice(set, get, deps),
      ...createAccessSlice(set, get, deps),
      ...createAuditSlice(set, get, deps),
      ...createAnalyzeSlice(set, get, deps),
      ...createWorkflows(set, get, deps),
    };
  });
  return store;
}
