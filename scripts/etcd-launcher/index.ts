/**
 * Real-etcd process launcher shared by the integration/e2e tests, the benchmark and `npm run etcd`.
 *
 * Plain Node (no vitest, no electron): only `node:` imports, so every runner can load it.
 * Everything listens on 127.0.0.1 only. Readiness and leader detection use etcd's own HTTP
 * endpoints (readiness.ts, leader.ts); etcdctl is still used for what the tests want to see
 * through it (put/get, auth setup).
 */
export { ETCD_INSTALL_HINT, EtcdNotFoundError, findEtcdBinary } from './binary';
export { PortInUseError, assertPortFree, freePort } from './ports';
export { startCluster } from './cluster';
export { addUserWithRole } from './auth';
export { makePki, type Pki } from './pki';
export type {
  EtcdCluster,
  EtcdMember,
  EtcdctlOptions,
  EtcdctlResult,
  StartClusterOptions,
  TlsOptions,
} from './types';
