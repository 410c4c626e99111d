/**
 * OS notification alerts from the connection's own liveness probes, on real etcd: a follower
 * killed gives one "member lost" however many probes see it down; a NOSPACE alarm raised by
 * filling a small quota gives one "alarm".
 */
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, type Harness } from '../support/harness';
import type { ClusterAlert } from '../../src/main/core/cluster-alerts';

const text = (data: string) => ({ encoding: 'utf8' as const, data });

function collector() {
  const alerts: ClusterAlert[] = [];
  const waiters: Array<{ kind: ClusterAlert['kind']; resolve: () => void }> = [];
  return {
    alerts,
    notify: (a: ClusterAlert) => {
      alerts.push(a);
      for (const w of waiters.filter((x) => x.kind === a.kind)) w.resolve();
    },
    next: (kind: ClusterAlert['kind']) => new Promise<void>((resolve) => waiters.push({ kind, resolve })),
  };
}

/** Status calls etcd answered so far (its own counter). */
async function statusCalls(url: string): Promise<number> {
  const body = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  let n = 0;
  for (const m of body.matchAll(/^grpc_server_handled_total\{[^}]*grpc_method="Status"[^}]*\} (\S+)$/gm)) n += Number(m[1]);
  return n;
}

describe('cluster alerts', () => {
  let etcd: EtcdCluster | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    await etcd?.close();
    h = undefined;
    etcd = undefined;
  });

  it('a killed follower: one "member lost" while it stays down, through many probes', async () => {
    etcd = await startCluster({ members: 3 });
    const c = collector();
    h = await createHarness({ notify: c.notify, liveness: { visibleIntervalMs: 150, hiddenIntervalMs: 150 } });
    const id = await h.connect({ name: 'three', endpoints: etcd.endpoints, deadlineMs: 1000 });
    await h.reachStatus(id, (s) => s.members?.answering === 3, 10_000);
    const follower = ((await etcd.leaderIndex()) + 1) % 3;
    const lost = c.next('member-lost');
    await etcd.kill(follower);
    await lost;
    // Down for the whole restart (several probe rounds at 150 ms), then back.
    // Listen before restarting: the probes can see it back before restart() returns, and an
    // unchanged status is not sent again.
    const back = h.nextStatus(id, (s) => s.members?.answering === 3, 15_000);
    await etcd.restart(follower);
    await back;
    expect(c.alerts.map((a) => a.kind)).toEqual(['member-lost']);
    expect(c.alerts[0].title).toBe('three: cluster problem');
    expect(c.alerts[0].body).toContain('2 of 3 answer');
  }, 60_000);

  it('NOSPACE raised by a full quota: one "alarm"', async () => {
    etcd = await startCluster({ extraArgs: ['--quota-backend-bytes', String(2 * 1024 * 1024)] });
    const c = collector();
    h = await createHarness({ notify: c.notify, liveness: { visibleIntervalMs: 150, hiddenIntervalMs: 150 } });
    const id = await h.connect({ name: 'small', endpoints: etcd.endpoints, deadlineMs: 3000 });
    await h.reachStatus(id, (s) => s.members?.answering === 1, 10_000);
    const alarm = c.next('alarm');
    const value = text('x'.repeat(200 * 1024));
    let refused = false;
    for (let i = 0; i < 200 && !refused; i++) refused = !(await h.handlers['kv:put']({ profileId: id, key: text(`fill/${i}`), value })).ok;
    expect(refused).toBe(true);
    await alarm;
    // Five more probe rounds see the alarm still raised (etcd counts the Status calls it answers).
    const base = await statusCalls(etcd.endpoints[0]);
    while ((await statusCalls(etcd.endpoints[0])) < base + 5) await new Promise((r) => setTimeout(r, 100));
    expect(c.alerts.filter((a) => a.kind === 'alarm')).toHaveLength(1);
    expect(c.alerts.find((a) => a.kind === 'alarm')!.body).toContain('NOSPACE');
  }, 60_000);
});
