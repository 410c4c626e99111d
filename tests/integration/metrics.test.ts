/**
 * cluster:metrics on real etcd: every member's /metrics and Status read on the profile's own
 * endpoints (3 members; TLS with a client certificate too), a stopped member saying why, and the
 * quota forecast from samples of a database that grows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePki, startCluster, type EtcdCluster, type Pki } from '../support/etcd';
import { createHarness, unwrap, type Harness } from '../support/harness';
import { forecastQuota } from '../../src/shared/quota-forecast';
import type { ClusterMetrics, MetricsSample } from '../../src/shared/types';

const text = (data: string) => ({ encoding: 'utf8' as const, data });
const QUOTA = 64 * 1024 * 1024;

const okSamples = (m: ClusterMetrics): MetricsSample[] => m.members.flatMap((x) => (x.ok ? [x.sample] : []));

describe('cluster:metrics, 3 members', () => {
  let etcd: EtcdCluster;
  let h: Harness;
  let id: string;
  beforeAll(async () => {
    etcd = await startCluster({ members: 3, extraArgs: ['--quota-backend-bytes', String(QUOTA)] });
    h = await createHarness();
    id = await h.connect({ name: 'metrics', endpoints: etcd.endpoints, deadlineMs: 3000 });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await etcd?.close();
  });

  it("reads each member's figures: one leader, the quota, the keys, raft indexes", async () => {
    for (let i = 0; i < 5; i++) unwrap(await h.handlers['kv:put']({ profileId: id, key: text(`m/${i}`), value: text('v') }));
    const m = unwrap(await h.handlers['cluster:metrics']({ profileId: id }));
    expect(m.members.map((x) => x.endpoint)).toEqual(etcd.endpoints);
    const samples = okSamples(m);
    expect(samples).toHaveLength(3);
    expect(new Set(m.members.map((x) => (x.ok ? x.memberId : ''))).size).toBe(3);
    expect(samples.filter((s) => s.isLeader)).toHaveLength(1);
    for (const s of samples) {
      expect(s.quota).toBe(QUOTA);
      expect(s.keys).toBe(5);
      expect(s.hasLeader).toBe(1);
      expect(s.dbSize).toBeGreaterThan(0);
      expect(s.dbSizeInUse).toBeLessThanOrEqual(s.dbSize);
      expect(s.raftTerm).toBeGreaterThan(0);
      expect(s.raftAppliedIndex).toBeGreaterThan(0);
      expect(s.raftAppliedIndex).toBeLessThanOrEqual(s.raftIndex);
      expect(s.leaderChanges).toBeGreaterThanOrEqual(1);
      expect(s.proposalsFailed).toBe(0);
      expect(s.watchers).toBeGreaterThanOrEqual(0);
    }
    // The connection's own traffic shows up on the member it talks to.
    expect(samples.some((s) => (s.grpcReceivedBytes ?? 0) > 0)).toBe(true);
  });

  it('a growing database gives a forecast of when it reaches the quota', async () => {
    const series: Array<{ at: number; dbSize: number }> = [];
    const value = text('x'.repeat(256 * 1024));
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 8; i++) unwrap(await h.handlers['kv:put']({ profileId: id, key: text(`grow/${round}/${i}`), value }));
      const m = unwrap(await h.handlers['cluster:metrics']({ profileId: id }));
      const leader = okSamples(m).find((s) => s.isLeader)!;
      series.push({ at: leader.at, dbSize: leader.dbSize });
    }
    expect(series[series.length - 1].dbSize).toBeGreaterThan(series[0].dbSize);
    const f = forecastQuota(series, QUOTA, 0);
    console.log(`[metrics] DB ${series[0].dbSize} → ${series[series.length - 1].dbSize} bytes over ${series[series.length - 1].at - series[0].at} ms: ${JSON.stringify(f)}`);
    expect(f.kind).toBe('growing');
    if (f.kind === 'growing') {
      expect(f.bytesPerHour).toBeGreaterThan(0);
      expect(f.msToQuota).toBeGreaterThan(0);
    }
  });

  it('a stopped member says why; the others still answer', async () => {
    await etcd.stop(2);
    try {
      const m = unwrap(await h.handlers['cluster:metrics']({ profileId: id }));
      const down = m.members[2];
      expect(down.ok).toBe(false);
      if (!down.ok) {
        expect(['UNAVAILABLE', 'TIMEOUT']).toContain(down.error.code);
        expect(down.error.message).toContain(etcd.endpoints[2].replace(/^https?:\/\//, ''));
      }
      expect(okSamples(m)).toHaveLength(2);
    } finally {
      await etcd.restart(2);
    }
  }, 30_000);
});

describe('cluster:metrics over TLS with a client certificate', () => {
  let etcd: EtcdCluster;
  let h: Harness;
  let pki: Pki;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'etcd-desktop-pki-'));
    pki = await makePki(dir);
    etcd = await startCluster({ tls: { caFile: pki.caFile, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, clientCertAuth: true } });
    h = await createHarness();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await etcd?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reads /metrics with the profile's CA and client certificate", async () => {
    const id = await h.connect({ name: 'tls', endpoints: etcd.endpoints, tls: { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile }, deadlineMs: 3000 });
    expect(etcd.endpoints[0]).toMatch(/^https:/);
    const m = unwrap(await h.handlers['cluster:metrics']({ profileId: id }));
    expect(okSamples(m)).toHaveLength(1);
    expect(okSamples(m)[0].quota).toBeGreaterThan(0);
  });
});
