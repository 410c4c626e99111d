import { parseMetrics } from '../../../src/main/core/etcd/metrics';
import { forecastQuota } from '../../../src/shared/quota-forecast';

describe('/metrics parsing', () => {
  it('reads the charted figures, sums label sets, skips comments and other names', () => {
    const text = [
      '# HELP etcd_server_quota_backend_bytes Current backend storage quota size in bytes.',
      '# TYPE etcd_server_quota_backend_bytes gauge',
      'etcd_server_quota_backend_bytes 2.147483648e+09',
      'etcd_debugging_mvcc_keys_total 42',
      'etcd_server_leader_changes_seen_total 3',
      'etcd_network_client_grpc_sent_bytes_total{a="1"} 100',
      'etcd_network_client_grpc_sent_bytes_total{a="2"} 50 1700000000000',
      'etcd_server_proposals_failed_total NaN',
      'etcd_server_slow_apply_total{le="+Inf",x="}"} 7',
      'etcd_mvcc_db_total_size_in_bytes 20480',
      'garbage line',
      '',
    ].join('\n');
    expect(parseMetrics(text)).toEqual({ quota: 2147483648, keys: 42, leaderChanges: 3, grpcSentBytes: 150 });
  });
});

describe('quota forecast', () => {
  const at = (s: number) => 1_700_000_000_000 + s * 1000;
  it('a steady growth of 1 MB a minute reaches a quota 10 MB away in 10 minutes', () => {
    const samples = Array.from({ length: 31 }, (_, i) => ({ at: at(i * 2), dbSize: 100e6 + (i * 2 * 1e6) / 60 }));
    const f = forecastQuota(samples, 101e6 + 10e6);
    expect(f.kind).toBe('growing');
    if (f.kind !== 'growing') return;
    expect(f.spanMs).toBe(60_000);
    expect(f.bytesPerHour).toBeCloseTo(60e6, -3);
    expect(f.msToQuota / 60_000).toBeCloseTo(10, 5);
  });
  it('flat or shrinking is not growing; too few or too short is too early; past the quota is 0', () => {
    expect(forecastQuota([{ at: at(0), dbSize: 5 }, { at: at(20), dbSize: 5 }, { at: at(40), dbSize: 4 }], 10).kind).toBe('not-growing');
    expect(forecastQuota([{ at: at(0), dbSize: 5 }, { at: at(20), dbSize: 6 }], 10).kind).toBe('too-early');
    expect(forecastQuota([{ at: at(0), dbSize: 5 }, { at: at(2), dbSize: 6 }, { at: at(4), dbSize: 7 }], 10).kind).toBe('too-early');
    const past = forecastQuota([{ at: at(0), dbSize: 5 }, { at: at(20), dbSize: 8 }, { at: at(40), dbSize: 12 }], 10);
    expect(past.kind === 'growing' && past.msToQuota).toBe(0);
  });
});
