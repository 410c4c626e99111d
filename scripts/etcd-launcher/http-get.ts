/**
 * One GET against a member's own HTTP endpoints (/health, /metrics), over http or https with
 * the launcher's client certificate. node's http modules instead of an `etcdctl` spawn: a request
 * costs ~1 ms where an etcdctl start costs 30-60 ms (Go runtime + gRPC dial), so readiness and
 * leader checks can poll every 20 ms.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { TlsOptions } from './types';

export interface TlsMaterial {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** Read once per cluster: every poll reuses the bytes. */
export function readTls(tls: TlsOptions | undefined): TlsMaterial | undefined {
  if (!tls) return undefined;
  return {
    ca: readFileSync(tls.caFile),
    cert: readFileSync(tls.clientCertFile ?? tls.certFile),
    key: readFileSync(tls.clientKeyFile ?? tls.keyFile),
  };
}

export function httpGet(
  url: string,
  tls: TlsMaterial | undefined,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const common = {
      method: 'GET',
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      agent: false as const, // no keep-alive sockets left behind
      timeout: timeoutMs,
    };
    const onRes = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    };
    const req =
      u.protocol === 'https:'
        ? https.request({ ...common, ca: tls?.ca, cert: tls?.cert, key: tls?.key }, onRes)
        : http.request(common, onRes);
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
