/**
 * Cluster status for the ClusterView panel, refreshed by the view while it is open.
 */
import type { AppError } from '../../../../shared/result';
import type { ClusterStatus } from '../../../../shared/types';
import type { MainView } from '../../app/shell-slice';
import type { SliceCreator } from '../../app/slice';

export interface ClusterSlice {
  clusterStatus: ClusterStatus | null;
  /** A status request is in flight. */
  clusterLoading: boolean;
  clusterError: AppError | null;
  /** Read the cluster status; a no-op while a request is already in flight (timers never pile up). */
  loadClusterStatus(): Promise<void>;
  /** Open or close the panel (toggle without an argument); opening reads the status. */
  toggleClusterView(open?: boolean): void;
}

const initialCluster = () => ({ clusterStatus: null, clusterLoading: false, clusterError: null });

interface ClusterNeeds {
  readonly view: MainView;
  showView(view: MainView): void;
}

export const createClusterSlice: SliceCreator<ClusterSlice, ClusterNeeds> = (set, get, { client, scope }) => {
  // The panel stays open across a switch and shows the next cluster.
  scope.own({ reset: () => set(initialCluster()) });

  return {
    ...initialCluster(),

    async loadClusterStatus() {
      const guard = scope.capture();
      if (!guard || get().clusterLoading) return;
      // The last status stays on screen while the next one is read.
      set({ clusterLoading: true });
      const r = await guard.wait(client.cluster.status({ profileId: guard.profileId }));
      if (!r) return;
      if (r.ok) set({ clusterStatus: r.value, clusterLoading: false, clusterError: null });
      else set({ clusterError: r.error, clusterLoading: false });
    },

    toggleClusterView(open) {
      const next = open ?? get().view !== 'cluster';
      if (!next && get().view !== 'cluster') return;
      get().showView(next ? 'cluster' : 'keys');
      if (next) void get().loadClusterStatus();
    },
  };
};
