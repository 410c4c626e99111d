/** A running cluster: start it, stop, kill or restart members, and close it without leftovers. */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { enableAuth } from './auth';
import { findEtcdBinary } from './binary';
import { runEtcdctl } from './etcdctl';
import { readTls, type TlsMaterial } from './http-get';
import { planMembers } from './layout';
import { findLeaderOnce, waitForLeader } from './leader';
import { MemberProcess } from './member';
import { assertPortFree, freePort, reservePort } from './ports';
import { waitMemberHealthy } from './readiness';
import type { EtcdCluster, EtcdMember, EtcdctlOptions, EtcdctlResult, StartClusterOptions, TlsOptions } from './types';
import { launcherWatchdog } from './watchdog';

class Cluster implements EtcdCluster {
  readonly endpoints: string[];
  readonly auth?: { user: 'root'; password: string };
  private closed = false;

  constructor(
    readonly bin: { etcd: string; etcdctl?: string },
    private readonly state: MemberProcess[],
    private readonly opts: StartClusterOptions,
    private readonly tlsMaterial: TlsMaterial | undefined,
    private readonly tempRoot: string | undefined,
  ) {
    this.endpoints = state.map((m) => m.clientUrl);
    if (opts.auth) this.auth = { user: 'root', password: opts.auth.rootPassword };
  }

  get members(): readonly EtcdMember[] {
    return this.state;
  }

  get tls(): TlsOptions | undefined {
    return this.opts.tls;
  }

  private member(i: number): MemberProcess {
    const m = this.state[i];
    if (!m) throw new RangeError(`no member ${i} (cluster has ${this.state.length})`);
    return m;
  }

  spawnMember(i: number): void {
    const m = this.member(i);
    const child = m.spawn(this.bin.etcd, {
      log: this.opts.log ?? 'buffer',
      detached: this.opts.detached ?? false,
      onUnexpectedExit: (code, signal) => {
        if (!this.closed) this.opts.onUnexpectedExit?.(i, code, signal);
      },
    });
    const pid = child?.pid;
    if (this.opts.dieWithLauncher && pid !== undefined) {
      const watchdog = launcherWatchdog();
      watchdog.watch(pid);
      // Struck off as soon as it exits, so a recycled PID is never signalled later.
      void m.exited.then(() => watchdog.unwatch(pid));
    }
  }

  // async, so a bad index rejects instead of throwing synchronously
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.member(i).kill(signal);
  }

  async stop(i: number): Promise<void> {
    await this.member(i).stop();
  }

  async restart(i: number): Promise<void> {
    await this.stop(i);
    this.spawnMember(i);
    await this.waitHealthy(i);
  }

  async waitHealthy(i?: number, timeoutMs = 15000): Promise<void> {
    const members = i === undefined ? this.state : [this.member(i)];
    const deadline = Date.now() + timeoutMs;
    await Promise.all(members.map((m) => waitMemberHealthy(m, this.tlsMaterial, deadline)));
  }

  leaderIndex(timeoutMs = 5000): Promise<number> {
    return waitForLeader(this.state, this.tlsMaterial, timeoutMs);
  }

  etcdctl(args: string[], opts: EtcdctlOptions = {}): Promise<EtcdctlResult> {
    return runEtcdctl(
      { etcdctl: this.bin.etcdctl, endpoints: this.endpoints, tls: this.opts.tls, auth: this.auth },
      args,
      opts,
    );
  }

  logs(i: number): string[] {
    return this.member(i).log.all();
  }

  async close(opts: { graceful?: boolean } = {}): Promise<void> {
    const wasClosed = this.closed;
    this.closed = true;
    const down = (k: number): Promise<void> => (opts.graceful ? this.stop(k) : this.kill(k, 'SIGKILL'));
    const running = this.state.filter((m) => m.running).map((m) => m.index);
    if (running.length > 0) {
      // Leader last: stopping it first would make the followers hold an election while going down.
      let leader: number | undefined;
      if (running.length > 1) leader = await findLeaderOnce(this.state, this.tlsMaterial).catch(() => undefined);
      const followers = running.filter((k) => k !== leader);
      await Promise.all(followers.map(down));
      if (leader !== undefined) await down(leader);
    }
    if (!wasClosed && this.tempRoot) await rm(this.tempRoot, { recursive: true, force: true });
  }
}

/**
 * Start an etcd cluster of `members` members on 127.0.0.1 and resolve once every member is
 * healthy (and auth, if asked for, is enabled). On failure everything started is killed and the
 * error carries the member's last log lines.
 */
export async function startCluster(opts: StartClusterOptions = {}): Promise<EtcdCluster> {
  const bin = findEtcdBinary();
  const n = opts.members ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`members must be a positive integer, got ${n}`);
  for (const [label, ports] of [
    ['clientPorts', opts.clientPorts],
    ['peerPorts', opts.peerPorts],
  ] as const) {
    if (ports && ports.length !== n) throw new RangeError(`${label} needs ${n} entries, got ${ports.length}`);
  }
  if (opts.auth && !bin.etcdctl) throw new Error(`auth setup needs etcdctl, which was not found beside ${bin.etcd} or on PATH`);

  // Explicit ports must be free (clear error instead of an etcd "address already in use" log).
  for (const p of [...(opts.clientPorts ?? []), ...(opts.peerPorts ?? [])]) {
    await assertPortFree(p);
    reservePort(p);
  }
  const clientPorts = opts.clientPorts ?? (await Promise.all(Array.from({ length: n }, () => freePort())));
  const peerPorts = opts.peerPorts ?? (await Promise.all(Array.from({ length: n }, () => freePort())));

  let tempRoot: string | undefined;
  let root: string;
  if (opts.dataDir) {
    root = path.resolve(opts.dataDir);
    await mkdir(root, { recursive: true, mode: 0o700 });
  } else {
    tempRoot = await mkdtemp(path.join(os.tmpdir(), 'etcd-desktop-'));
    root = tempRoot;
  }

  const state = planMembers({ members: n, root, clientPorts, peerPorts, tls: opts.tls, extraArgs: opts.extraArgs }).map(
    (spec) => new MemberProcess(spec),
  );
  const cluster = new Cluster(bin, state, opts, readTls(opts.tls), tempRoot);
  try {
    for (let k = 0; k < n; k++) cluster.spawnMember(k);
    await cluster.waitHealthy(undefined, opts.startTimeoutMs ?? 15000);
    if (opts.auth) await enableAuth(cluster, opts.auth.rootPassword, tempRoot === undefined);
  } catch (err) {
    await cluster.close().catch(() => undefined);
    throw err;
  }
  return cluster;
}
