/**
 * Test-facing entry to the real-etcd launcher (scripts/etcd-launcher/), for vitest and
 * Playwright alike: it imports neither, so either runner can use it.
 *
 *   const etcd = await startCluster({ members: 3 });      // free ports, temp data dir
 *   try { ... etcd.endpoints ... } finally { await etcd.close(); }
 *
 * or `await withEtcd({ auth: { rootPassword: 'pw' } }, async (etcd) => { ... })`.
 */
import {
  startCluster,
  type EtcdCluster,
  type Pki,
  type StartClusterOptions,
  type TlsOptions,
} from '../../scripts/etcd-launcher';

export * from '../../scripts/etcd-launcher';

/** Start a cluster, run `fn`, always close the cluster (SIGKILL, temp data removed). */
export async function withEtcd<T>(opts: StartClusterOptions, fn: (etcd: EtcdCluster) => Promise<T>): Promise<T> {
  const etcd = await startCluster(opts);
  try {
    return await fn(etcd);
  } finally {
    await etcd.close();
  }
}

/**
 * TLS options for startCluster from a makePki() result: the server cert for etcd, and the
 * CN=root client cert for the launcher's own health checks and etcdctl calls.
 */
export function tlsFromPki(pki: Pki, clientCertAuth = true): TlsOptions {
  return {
    caFile: pki.caFile,
    certFile: pki.serverCertFile,
    keyFile: pki.serverKeyFile,
    clientCertAuth,
    clientCertFile: pki.clientCertFile,
    clientKeyFile: pki.clientKeyFile,
  };
}
