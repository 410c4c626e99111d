/**
 * Cluster status for the ClusterView panel, refreshed by the view while it is open.
 */
import type { AppError } from '../../../../shared/result';
import type { ClusterStatus } from '../../../../shared/types';
import type { Slice } from '../../app/slice';

export interface ClusterSlice {
  clusterStatus: ClusterStatus | null;
  /** A status request is in flight. */
  clusterLoading: boolean;
  clusterError: AppError | null;
  /** Read the cluster status; a no-op while a request is already in flight (timers never pile up). */
  loadClusterStatus(): Promise<void>;
}

export const initialCluster = () => ({ clusterStatus: null, clusterLoading: false, clusterError: null });

export const createClusterSlice: Slice<ClusterSlice> = (set, get, { client }) => ({
  ...initialCluster(),

  async loadClusterStatus() {
    const { activeProfileId: profileId, session, clusterLoading } = get();
    if (!profileId || clusterLoading) return;
    // The last status stays on screen while the next one is read.
    set({ clusterLoading: true });
    const r = await client.cluster.status({ profileId });
    if (get().session !== session) return;
    if (r.ok) set({ clusterStatus: r.value, clusterLoading: false, clusterError: null });
    else set({ clusterError: r.error, clusterLoading: false });
  },
});
