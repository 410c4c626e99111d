/**
 * Cluster status for the ClusterView panel (a mount point: the full cluster view comes later).
 */
import type { AppError } from '../../../shared/result';
import type { ClusterStatus } from '../../../shared/types';
import type { Slice } from './types';

export interface ClusterSlice {
  clusterStatus: ClusterStatus | null;
  clusterLoading: boolean;
  clusterError: AppError | null;
  loadClusterStatus(): Promise<void>;
}

export const initialCluster = () => ({ clusterStatus: null, clusterLoading: false, clusterError: null });

export const createClusterSlice: Slice<ClusterSlice> = (set, get, { client }) => ({
  ...initialCluster(),

  async loadClusterStatus() {
    const { activeProfileId: profileId, session } = get();
    if (!profileId) return;
    set({ clusterLoading: true, clusterError: null });
    const r = await client.clusterStatus(profileId);
    if (get().session !== session) return;
    if (r.ok) set({ clusterStatus: r.value, clusterLoading: false });
    else set({ clusterError: r.error, clusterLoading: false });
  },
});
