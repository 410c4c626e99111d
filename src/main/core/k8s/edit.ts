import type { RequestOf } from '../../../shared/contract';
import type { K8sEncoded } from '../../../shared/k8s';
import { failure } from '../etcd/errors';

/** Stub: replaced by the encoder. */
export async function encodeEdited(_req: RequestOf<'k8s:encode'>): Promise<K8sEncoded> {
  throw failure('INTERNAL', 'Not built yet.');
}
