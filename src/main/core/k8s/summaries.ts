import type { Bytes } from '../../../shared/bytes';
import type { K8sSummary } from '../../../shared/k8s';
import type { Connection } from '../connections';
import { failure } from '../etcd/errors';

/** Stub: replaced by the summaries reader. */
export async function summarize(_conn: Connection, _keys: readonly Bytes[]): Promise<readonly K8sSummary[]> {
  throw failure('INTERNAL', 'Not built yet.');
}
