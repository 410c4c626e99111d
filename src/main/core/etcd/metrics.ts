/**
 * Each member's Prometheus `/metrics`, read on the profile's own endpoint (never an advertised
 * URL) with the profile's TLS files, bounded in time and size, reduced to the figures the cluster
 * view charts. etcd serves /metrics on its client URL without authentication (a client
 * certificate when the cluster requires one).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AppError } from '../../../shared/result';
import type { MetricsSample } from '../../../shared/types';
import { failure, tlsReason } from './errors';

/** etcd 3.4's /metrics is about 100 KB; anything past this is not etcd's. */
export const METRICS_MAX_BYTES = 4 * 1024 * 1024;

/** The metric names read, by the sample field they fill (values of one name are summed over labels). */
const NAMES = {
  quota: 'etcd_server_quota_backend_bytes',
  keys: 'etcd_debugging_mvcc_keys_total',
  leaderChanges: 'etcd_server_leader_changes_seen_total',
  proposalsFailed: 'etcd_server_proposals_failed_total',
  proposalsPending: 'etcd_server_proposals_pending',
  slowApplies: 'etcd_server_slow_apply_total',
  watchers: 'etcd_debugging_mvcc_watcher_total',
  grpcReceivedBytes: 'etcd_network_client_grpc_received_bytes_total',
  grpcSentBytes: 'etcd_network_client_grpc_sent_bytes_total',
  hasLeader: 'etcd_server_has_leader',
} as const;
export type MetricField = keyof typeof NAMES;

/**
 * The wanted figures from Prometheus text format: `name{labels} value [timestamp]`, comments
 * skipped; a name seen with several label sets is summed.
 */
export function parseMetrics(text: string): Partial<Record<MetricField, number>> {
  const byName = new Map<string, MetricField>(Object.entries(NAMES).map(([f, n]) => [n, f as MetricField]));
  const out: Partial<Record<MetricField, number>> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const field = byName.get(m[1]);
    if (!field) continue;
    const v = Number(m[3]);
    if (!Number.isFinite(v)) continue;
    out[field] = (out[field] ?? 0) + v;
  }
  return out;
}

export interface MetricsTls {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly serverName?: string;
}

/** GET <endpoint>/metrics within `deadlineMs`; the body, or an AppFailure in words. */
export function fetchMetricsText(endpoint: string, tls: MetricsTls | undefined, deadlineMs: number): Promise<string> {
  let url: URL;
  try {
    url = new URL('/metrics', endpoint);
  } catch {
    return Promise.reject(failure('INVALID_ARGUMENT', `${endpoint} is not a URL.`, { endpoint }));
  }
  const https = url.protocol === 'https:';
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const done = (err: AppError | null, body?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      if (err) reject(failure(err.code, err.message, err.details));
      else resolve(body!);
    };
    const onResponse = (res: IncomingMessage): void => {
      if (res.statusCode !== 200) {
        res.resume();
        done({ code: 'UNAVAILABLE', message: `${endpoint} answered /metrics with HTTP ${res.statusCode}.`, details: { endpoint } });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > METRICS_MAX_BYTES) {
          done({ code: 'TOO_LARGE', message: `${endpoint}/metrics is larger than ${METRICS_MAX_BYTES / 1024 / 1024} MiB: not read.`, details: { endpoint, size, limit: METRICS_MAX_BYTES } });
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      res.on('error', (e) => done(networkError(endpoint, e)));
    };
    const req = https
      ? httpsRequest(url, { method: 'GET', ca: tls?.ca, cert: tls?.cert, key: tls?.key, servername: tls?.serverName, agent: false }, onResponse)
      : httpRequest(url, { method: 'GET', agent: false }, onResponse);
    const timer = setTimeout(
      () => done({ code: 'TIMEOUT', message: `${endpoint} did not answer /metrics within ${deadlineMs / 1000} s.`, details: { endpoint } }),
      deadlineMs,
    );
    req.on('error', (e) => done(networkError(endpoint, e)));
    req.end();
  });
}

function networkError(endpoint: string, e: Error & { code?: string }): AppError {
  const m = `${e.code ?? ''} ${e.message}`;
  if (/CERT|SSL|TLS|certificate|self[- ]signed|handshake|wrong version number|alert/i.test(m)) {
    return { code: 'TLS', message: `Could not read ${endpoint}/metrics: ${tlsReason(m)}.`, details: { endpoint } };
  }
  const why = /ECONNREFUSED/.test(m)
    ? 'nothing is listening there (connection refused)'
    : /ECONNRESET|socket hang up/.test(m)
      ? 'the connection was dropped'
      : /ENOTFOUND|EAI_AGAIN/.test(m)
        ? 'the host name could not be resolved'
        : 'the connection failed';
  return { code: 'UNAVAILABLE', message: `Could not read ${endpoint}/metrics: ${why}.`, details: { endpoint } };
}

/** A sample from the metrics text and the member's Status answer. */
export function sampleOf(
  at: number,
  metrics: Partial<Record<MetricField, number>>,
  status: { dbSize: number; dbSizeInUse: number; raftTerm: number; raftIndex: number; raftAppliedIndex: number; isLeader: boolean },
): MetricsSample {
  return { at, ...status, ...metrics };
}
