import type { Bytes } from '../../../shared/bytes';
import type { K8sNamespaceCount, K8sResourceTypes } from '../../../shared/k8s';
import type { Connection } from '../connections';
import { failure } from '../etcd/errors';

/** Stub: replaced by the resource listing. */
export async function listResourceTypes(_conn: Connection, _root: Bytes | undefined): Promise<K8sResourceTypes> {
  throw failure('INTERNAL', 'Not built yet.');
}

export async function listNamespaces(_conn: Connection, _prefix: Bytes): Promise<readonly K8sNamespaceCount[]> {
  throw failure('INTERNAL', 'Not built yet.');
}
