import { describe, expect, it } from 'vitest';
import { METRICS_KEEP } from '../../../src/renderer/src/features/cluster/cluster-slice';
import { forecastText, formatSpan } from '../../../src/renderer/src/features/cluster/MetricsPanel';
import type { ClusterMetrics, MetricsSample } from '../../../src/shared/types';
import { connectedStore, flush, okR, profile } from './fake-api';

const setup = () => connectedStore([profile('a'), profile('b')]);

const sample = (at: number, dbSize = 1000): MetricsSample => ({
  at,
  dbSize,
  dbSizeInUse: dbSize / 2,
  raftTerm: 2,
  raftIndex: 10,
  raftAppliedIndex: 10,
  isLeader: false,
  quota: 1_000_000,
});
const read = (members: ClusterMetrics['members']): ClusterMetrics => ({ at: 0, members });

describe('cluster metrics in the store', () => {
  it('keeps a series per endpoint, capped; a failed read keeps the series and says why; a new member id starts over; a switch forgets', async () => {
    const { fake, store } = await setup();
    for (let i = 0; i < METRICS_KEEP + 5; i++) {
      const p = store.getState().loadClusterMetrics();
      await flush();
      fake.ep['cluster:metrics'].next().resolve(okR(read([{ endpoint: 'e1', ok: true, memberId: 'm1', sample: sample(i) }])));
      await p;
    }
    let s = store.getState().clusterMetrics.e1;
    expect(s.samples).toHaveLength(METRICS_KEEP);
    expect(s.samples[0].at).toBe(5);
    expect(s.samples[METRICS_KEEP - 1].at).toBe(METRICS_KEEP + 4);

    let p = store.getState().loadClusterMetrics();
    await flush();
    fake.ep['cluster:metrics'].next().resolve(okR(read([{ endpoint: 'e1', ok: false, error: { code: 'UNAVAILABLE', message: 'Could not read e1/metrics' } }])));
    await p;
    s = store.getState().clusterMetrics.e1;
    expect(s.error?.code).toBe('UNAVAILABLE');
    expect(s.samples).toHaveLength(METRICS_KEEP);

    p = store.getState().loadClusterMetrics();
    await flush();
    fake.ep['cluster:metrics'].next().resolve(okR(read([{ endpoint: 'e1', ok: true, memberId: 'm2', sample: sample(999) }])));
    await p;
    s = store.getState().clusterMetrics.e1;
    expect(s.error).toBeNull();
    expect(s.samples.map((x) => x.at)).toEqual([999]);

    await store.getState().switchProfile('b');
    await flush();
    expect(store.getState().clusterMetrics).toEqual({});
  });

  it('one request at a time', async () => {
    const { fake, store } = await setup();
    void store.getState().loadClusterMetrics();
    void store.getState().loadClusterMetrics();
    await flush();
    expect(fake.ep['cluster:metrics'].requests).toHaveLength(1);
  });
});

describe('forecast words', () => {
  it('says over how long the growth was seen and when the quota is reached', () => {
    expect(formatSpan(80_000)).toBe('1 min 20 s');
    expect(formatSpan(3 * 3600_000 + 5 * 60_000)).toBe('3 h 05 min');
    expect(formatSpan(52 * 3600_000)).toBe('2 d 4 h');
    expect(forecastText({ kind: 'growing', spanMs: 120_000, bytesPerHour: 60 * 1024 * 1024, msToQuota: 3 * 3600_000 })).toBe(
      'Forecast: at the growth seen over the last 2 min 00 s (60.0 MiB/h), the DB reaches its quota in about 3 h 00 min.',
    );
    expect(forecastText({ kind: 'not-growing', spanMs: 30_000, bytesPerHour: 0 })).toBe('Forecast: the DB did not grow over the last 30 s.');
    expect(forecastText({ kind: 'too-early', spanMs: 4000 })).toContain('4 s so far');
  });
});
