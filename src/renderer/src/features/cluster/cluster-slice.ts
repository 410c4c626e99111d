/**
 * Cluster status for the ClusterView panel, refreshed by the view while it is open.
 */
import type { AppError } from '../../../../shared/result';
import type { ClusterStatus, MetricsSample } from '../../../../shared/types';
import type { MainView } from '../../app/shell-slice';
import type { SliceCreator } from '../../app/slice';

export interface ClusterSlice {
  clusterStatus: ClusterStatus | null;
  /** A status request is in flight. */
  clusterLoading: boolean;
  clusterError: AppError | null;
  /** Read the cluster status; a no-op while a request is already in flight (timers never pile up). */
  loadClusterStatus(): Promise<void>;
  /** Per endpoint: the samples read while the view was open (oldest first, at most METRICS_KEEP), or why none could be read. */
  clusterMetrics: Record<string, MemberSeries>;
  /** A metrics request is in flight. */
  clusterMetricsLoading: boolean;
  /** Read one sample per member; a no-op while one is in flight. */
  loadClusterMetrics(): Promise<void>;
  /** Open or close the panel (toggle without an argument); opening reads the status. */
  toggleClusterView(open?: boolean): void;
}

/** Samples kept per member: 10 minutes at the view's 2 s refresh. */
export const METRICS_KEEP = 300;

export interface MemberSeries {
  readonly memberId?: string;
  readonly samples: readonly MetricsSample[];
  /** Why the last read of this member failed (cleared by the next success). */
  readonly error: AppError | null;
}

const initialCluster = () => ({
  clusterStatus: null,
  clusterLoading: false,
  clusterError: null,
  clusterMetrics: {} as Record<string, MemberSeries>,
  clusterMetricsLoading: false,
});

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

    async loadClusterMetrics() {
      const guard = scope.capture();
      if (!guard || get().clusterMetricsLoading) return;
      set({ clusterMetricsLoading: true });
      const r = await guard.wait(client.cluster.metrics({ profileId: guard.profileId }));
      if (!r) return;
      if (!r.ok) {
        set({ clusterMetricsLoading: false });
        return;
      }
      const next: Record<string, MemberSeries> = {};
      for (const m of r.value.members) {
        const prev = get().clusterMetrics[m.endpoint];
        if (m.ok) {
          // Another member now answers on this endpoint (replaced): its history is not this one's.
          const kept = prev && prev.memberId === m.memberId ? prev.samples : [];
          next[m.endpoint] = { memberId: m.memberId, samples: [...kept.slice(-(METRICS_KEEP - 1)), m.sample], error: null };
        } else {
          next[m.endpoint] = { memberId: prev?.memberId, samples: prev?.samples ?? [], error: m.error };
        }
      }
      set({ clusterMetrics: next, clusterMetricsLoading: false });
    },

    toggleClusterView(open) {
      const next = open ?? get().view !== 'cluster';
      if (!next && get().view !== 'cluster') return;
      get().showView(next ? 'cluster' : 'keys');
      if (next) {
        void get().loadClusterStatus();
        void get().loadClusterMetrics();
      }
    },
  };
};
