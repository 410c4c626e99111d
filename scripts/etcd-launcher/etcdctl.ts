/** etcdctl (ETCDCTL_API=3) aimed at a cluster, with endpoints, TLS files and --user filled in. */
import { ETCD_INSTALL_HINT } from './binary';
import { runProcess } from './run-process';
import type { EtcdctlOptions, EtcdctlResult, TlsOptions } from './types';

export interface EtcdctlTarget {
  etcdctl?: string;
  endpoints: string[];
  tls?: TlsOptions;
  auth?: { password: string };
}

/** Our flags must win over whatever ETCDCTL_* the caller's shell happens to export. */
function cleanEtcdctlEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('ETCDCTL_')) out[k] = v;
  return out;
}

/** Never rejects on a non-zero exit: callers assert on code and stderr. */
export function runEtcdctl(target: EtcdctlTarget, args: string[], opts: EtcdctlOptions = {}): Promise<EtcdctlResult> {
  const ctl = target.etcdctl;
  if (!ctl) {
    return Promise.reject(new Error(`etcdctl not found (set ETCDCTL_BIN or install it beside etcd). ${ETCD_INSTALL_HINT}`));
  }
  const full = [`--endpoints=${(opts.endpoints ?? target.endpoints).join(',')}`];
  const tls = target.tls;
  if (tls) {
    full.push(`--cacert=${tls.caFile}`);
    if (opts.clientCert ?? true) {
      full.push(`--cert=${tls.clientCertFile ?? tls.certFile}`, `--key=${tls.clientKeyFile ?? tls.keyFile}`);
    }
  }
  const user = opts.user === undefined ? (target.auth ? `root:${target.auth.password}` : null) : opts.user;
  if (user !== null) full.push(`--user=${user}`);
  full.push(...args);
  return runProcess(ctl, full, {
    env: { ...cleanEtcdctlEnv(opts.env ?? process.env), ETCDCTL_API: '3' },
    input: opts.input,
    timeoutMs: opts.timeoutMs ?? 30000,
  });
}
