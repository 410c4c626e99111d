import type { Bytes } from '../../../shared/bytes';
import type { JobInfo } from '../../../shared/types';
import type { Connection } from '../connections';
import { failure } from '../etcd/errors';

/** Stub: replaced by the analyze job. */
export async function analyzeK8s(_conn: Connection, _root: Bytes | undefined): Promise<JobInfo> {
  throw failure('INTERNAL', 'Not built yet.');
}
