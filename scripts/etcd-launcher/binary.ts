/** Where the etcd and etcdctl executables are, or why there are none. */
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import path from 'node:path';

export const ETCD_INSTALL_HINT =
  'etcd binary not found (set ETCD_BIN or put etcd on PATH). Install it: Debian/Ubuntu ' +
  '`sudo apt-get install etcd-server etcd-client`, macOS `brew install etcd`, or download a ' +
  'release from https://github.com/etcd-io/etcd/releases';

/** Thrown by findEtcdBinary (and startCluster) when etcd is not installed. */
export class EtcdNotFoundError extends Error {
  constructor(detail?: string) {
    super(detail ? `${ETCD_INSTALL_HINT} (${detail})` : ETCD_INSTALL_HINT);
    this.name = 'EtcdNotFoundError';
  }
}

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function searchPath(name: string): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * Locate etcd (env ETCD_BIN, else PATH) and etcdctl (env ETCDCTL_BIN, else beside etcd, else PATH).
 * Throws EtcdNotFoundError with install instructions when etcd is missing.
 */
export function findEtcdBinary(): { etcd: string; etcdctl?: string } {
  let etcd: string | undefined;
  const fromEnv = process.env.ETCD_BIN;
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) throw new EtcdNotFoundError(`ETCD_BIN=${fromEnv} is not an executable file`);
    etcd = fromEnv;
  } else {
    etcd = searchPath('etcd');
    if (!etcd) throw new EtcdNotFoundError();
  }
  let etcdctl: string | undefined;
  const ctlEnv = process.env.ETCDCTL_BIN;
  if (ctlEnv && isExecutableFile(ctlEnv)) etcdctl = ctlEnv;
  if (!etcdctl) {
    // A release tarball ships both side by side; prefer the matching etcdctl over another on PATH.
    const beside = path.join(path.dirname(etcd), process.platform === 'win32' ? 'etcdctl.exe' : 'etcdctl');
    if (isExecutableFile(beside)) etcdctl = beside;
  }
  if (!etcdctl) etcdctl = searchPath('etcdctl');
  return etcdctl ? { etcd, etcdctl } : { etcd };
}
