/** Who is who in a cluster: member names, URLs, data dirs and the etcd flags that follow. */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { TlsOptions } from './types';

export interface MemberSpec {
  index: number;
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  args: string[];
}

export interface LayoutInput {
  members: number;
  /** One member uses it as its --data-dir; several get `<root>/mN`. */
  root: string;
  clientPorts: number[];
  peerPorts: number[];
  tls?: TlsOptions;
  extraArgs?: string[];
}

export function planMembers(input: LayoutInput): MemberSpec[] {
  const n = input.members;
  const scheme = input.tls ? 'https' : 'http';
  const names = Array.from({ length: n }, (_, k) => `m${k + 1}`);
  const peerUrls = input.peerPorts.map((p) => `http://127.0.0.1:${p}`);
  const initialCluster = names.map((nm, k) => `${nm}=${peerUrls[k]}`).join(',');
  // Unique per start, so members of two clusters started side by side never join each other.
  const token = `etcd-desktop-${randomUUID()}`;

  return names.map((name, k) => {
    const clientUrl = `${scheme}://127.0.0.1:${input.clientPorts[k]}`;
    const dataDir = n === 1 ? input.root : path.join(input.root, name);
    // Restarts reuse exactly these flags: with a member already in --data-dir, etcd 3.4 ignores
    // --initial-cluster*, so "new" is fine on restart (verified by the launcher test).
    const args = [
      '--name', name,
      '--data-dir', dataDir,
      '--listen-client-urls', clientUrl,
      '--advertise-client-urls', clientUrl,
      '--listen-peer-urls', peerUrls[k],
      '--initial-advertise-peer-urls', peerUrls[k],
      '--initial-cluster', initialCluster,
      '--initial-cluster-state', 'new',
      '--initial-cluster-token', token,
      // Loopback only: short timers make elections (and so start and leader-loss tests) fast.
      '--heartbeat-interval', '25',
      '--election-timeout', '150',
    ];
    if (input.tls) {
      args.push('--cert-file', input.tls.certFile, '--key-file', input.tls.keyFile, '--trusted-ca-file', input.tls.caFile);
      if (input.tls.clientCertAuth) args.push('--client-cert-auth');
    }
    args.push(...(input.extraArgs ?? []));
    return { index: k, name, clientUrl, peerUrl: peerUrls[k], dataDir, args };
  });
}
