import type { RequestOf } from '../../../shared/contract';
import type { K8sDecoded } from '../../../shared/k8s';
import { failure } from '../etcd/errors';

/** Stub: replaced by the decode service (worker for large values). */
export async function decodeForView(_req: RequestOf<'k8s:decode'>): Promise<K8sDecoded> {
  throw failure('INTERNAL', 'Not built yet.');
}
