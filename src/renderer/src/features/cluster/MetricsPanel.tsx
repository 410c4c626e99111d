import type { MetricsSample } from '../../../../shared/types';
import { forecastQuota, FORECAST_MIN_SPAN_MS, type QuotaForecast } from '../../../../shared/quota-forecast';
import { useAppStore } from '../../app/store-context';
import { formatCount, formatDuration, formatSize } from '../../ui/format';
import type { MemberSeries } from './cluster-slice';

/**
 * Live charts per member while the cluster view is open: DB size and size in use against the
 * quota, keys, raft, leader changes, failed proposals, slow applies, watchers, gRPC traffic; and
 * when the DB would reach its quota at the growth seen.
 */
export function MetricsPanel() {
  const metrics = useAppStore((s) => s.clusterMetrics);
  const endpoints = Object.keys(metrics);
  if (endpoints.length === 0) return null;
  return (
    <section aria-label="Metrics" data-testid="cluster-metrics">
      <h3>Metrics</h3>
      <div className="metrics-grid">
        {endpoints.map((e) => (
          <MemberMetricsCard key={e} endpoint={e} series={metrics[e]} />
        ))}
      </div>
    </section>
  );
}

function MemberMetricsCard({ endpoint, series }: { endpoint: string; series: MemberSeries }) {
  const samples = series.samples;
  const last = samples[samples.length - 1];
  return (
    <article className="metrics-card" aria-label={`Metrics of ${endpoint}`} data-testid="metrics-member">
      <header>
        <span className="mono">{endpoint}</span>
        {last?.isLeader ? <span className="role-badge role-leader">leader</span> : null}
      </header>
      {series.error ? (
        <p className="error-text" role="status" data-testid="metrics-error">
          Metrics cannot be read: {series.error.message}
        </p>
      ) : null}
      {last ? (
        <>
          <DbChart samples={samples} />
          <Forecast samples={samples} quota={last.quota} />
          <dl className="metrics-figures">
            <Figure label="Keys" samples={samples} pick={(s) => s.keys} format={formatCount} />
            <Figure label="Raft term" samples={samples} pick={(s) => s.raftTerm} format={formatCount} />
            <Figure label="Raft index" samples={samples} pick={(s) => s.raftIndex} format={formatCount} />
            <Figure label="Applied index" samples={samples} pick={(s) => s.raftAppliedIndex} format={formatCount} />
            <Figure label="Leader changes" samples={samples} pick={(s) => s.leaderChanges} format={formatCount} />
            <Figure label="Failed proposals" samples={samples} pick={(s) => s.proposalsFailed} format={formatCount} />
            <Figure label="Slow applies" samples={samples} pick={(s) => s.slowApplies} format={formatCount} />
            <Figure label="Watchers" samples={samples} pick={(s) => s.watchers} format={formatCount} />
            <Figure label="gRPC in" samples={samples} pick={(s) => s.grpcReceivedBytes} format={formatRate} rate />
            <Figure label="gRPC out" samples={samples} pick={(s) => s.grpcSentBytes} format={formatRate} rate />
          </dl>
        </>
      ) : series.error ? null : (
        <p className="muted">Reading…</p>
      )}
    </article>
  );
}

const formatRate = (bytesPerSecond: number): string => `${formatSize(Math.round(bytesPerSecond))}/s`;

/** Per second between consecutive samples of a counter (a restart that reset it gives no point). */
function rates(samples: readonly MetricsSample[], pick: (s: MetricsSample) => number | undefined): Array<number | undefined> {
  return samples.map((s, i) => {
    if (i === 0) return undefined;
    const a = pick(samples[i - 1]);
    const b = pick(s);
    const dt = (s.at - samples[i - 1].at) / 1000;
    return a === undefined || b === undefined || b < a || dt <= 0 ? undefined : (b - a) / dt;
  });
}

function Figure({
  label,
  samples,
  pick,
  format,
  rate = false,
}: {
  label: string;
  samples: readonly MetricsSample[];
  pick: (s: MetricsSample) => number | undefined;
  format: (n: number) => string;
  /** A counter charted as its rate per second. */
  rate?: boolean;
}) {
  const values = rate ? rates(samples, pick) : samples.map(pick);
  const now = values[values.length - 1];
  const text = now === undefined ? '—' : format(now);
  return (
    <div className="metrics-figure" data-testid="metrics-figure" data-label={label}>
      <dt>{label}</dt>
      <dd>
        <span className="metrics-value">{text}</span>
        <Sparkline values={values} label={`${label}: ${text}`} />
      </dd>
    </div>
  );
}

const W = 120;
const H = 28;

/** A line of the values over the samples kept (gaps where a value is missing). */
function Sparkline({ values, label, max: fixedMax }: { values: ReadonlyArray<number | undefined>; label: string; max?: number }) {
  const present = values.filter((v): v is number => v !== undefined);
  if (present.length < 2) return <svg className="sparkline" width={W} height={H} role="img" aria-label={label} />;
  const min = fixedMax !== undefined ? 0 : Math.min(...present);
  const max = fixedMax ?? Math.max(...present);
  const span = max - min || 1;
  const step = values.length > 1 ? W / (values.length - 1) : W;
  const segments: string[] = [];
  let cur: string[] = [];
  values.forEach((v, i) => {
    if (v === undefined) {
      if (cur.length > 1) segments.push(cur.join(' '));
      cur = [];
      return;
    }
    cur.push(`${(i * step).toFixed(1)},${(H - 1 - ((v - min) / span) * (H - 2)).toFixed(1)}`);
  });
  if (cur.length > 1) segments.push(cur.join(' '));
  return (
    <svg className="sparkline" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      {segments.map((pts, i) => (
        <polyline key={i} points={pts} fill="none" stroke="currentColor" strokeWidth="1.5" />
      ))}
    </svg>
  );
}

function DbChart({ samples }: { samples: readonly MetricsSample[] }) {
  const last = samples[samples.length - 1];
  const quota = last.quota;
  const pct = quota ? Math.round((last.dbSize / quota) * 1000) / 10 : undefined;
  const frag = last.dbSize > 0 ? Math.round((1 - last.dbSizeInUse / last.dbSize) * 100) : 0;
  const text =
    `DB ${formatSize(last.dbSize)} (${formatSize(last.dbSizeInUse)} in use, ${frag}% free inside)` +
    (quota ? ` of a ${formatSize(quota)} quota: ${pct}%` : '');
  return (
    <div className="metrics-db" data-testid="metrics-db">
      <div className="metrics-db-text">{text}</div>
      {quota ? (
        <div className="quota-bar" role="meter" aria-label="DB size against the quota" aria-valuemin={0} aria-valuemax={quota} aria-valuenow={last.dbSize}>
          <span className="quota-used" style={{ width: `${Math.min(100, (last.dbSizeInUse / quota) * 100)}%` }} />
          <span className="quota-free" style={{ width: `${Math.min(100, ((last.dbSize - last.dbSizeInUse) / quota) * 100)}%` }} />
        </div>
      ) : null}
      <Sparkline values={samples.map((s) => s.dbSize)} label={`DB size over time: ${formatSize(last.dbSize)}`} />
    </div>
  );
}

/** A span of milliseconds in words (the shared duration format). */
export const formatSpan = (ms: number): string => formatDuration(Math.round(ms / 1000));

export function forecastText(f: QuotaForecast): string {
  switch (f.kind) {
    case 'too-early':
      return `Forecast: measuring the growth (needs ${FORECAST_MIN_SPAN_MS / 1000} s of samples, ${formatSpan(f.spanMs)} so far).`;
    case 'not-growing':
      return `Forecast: the DB did not grow over the last ${formatSpan(f.spanMs)}.`;
    case 'growing':
      return f.msToQuota === 0
        ? `Forecast: the DB is at its quota (growing ${formatSize(f.bytesPerHour)}/h over the last ${formatSpan(f.spanMs)}).`
        : `Forecast: at the growth seen over the last ${formatSpan(f.spanMs)} (${formatSize(f.bytesPerHour)}/h), the DB reaches its quota in about ${formatSpan(f.msToQuota)}.`;
  }
}

function Forecast({ samples, quota }: { samples: readonly MetricsSample[]; quota: number | undefined }) {
  if (!quota) return null;
  const f = forecastQuota(samples, quota);
  return (
    <p className={f.kind === 'growing' && f.msToQuota < 24 * 3600_000 ? 'warn-text' : 'muted'} data-testid="metrics-forecast">
      {forecastText(f)}
    </p>
  );
}
