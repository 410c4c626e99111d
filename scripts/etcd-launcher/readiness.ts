/**
 * When a member is ready: `GET /health` answers {"health":"true"} once the member has a leader
 * and can serve a read. It is a plain handler, not the grpc-gateway, so it keeps working with
 * auth enabled (no credentials needed) and with TLS + client-cert-auth when we present a cert.
 */
import { httpGet, type TlsMaterial } from './http-get';
import type { MemberProcess } from './member';

const POLL_MS = 20;

export async function isHealthy(clientUrl: string, tls: TlsMaterial | undefined): Promise<boolean> {
  try {
    const { status, text } = await httpGet(`${clientUrl}/health`, tls, 500);
    return status === 200 && (JSON.parse(text) as { health?: unknown }).health === 'true';
  } catch {
    return false;
  }
}

/**
 * Resolves once `m` is healthy. Fails as soon as the process exits (racing the poll against its
 * exit, so a refused flag is reported in milliseconds, with its log) or at `deadline`.
 */
export async function waitMemberHealthy(m: MemberProcess, tls: TlsMaterial | undefined, deadline: number): Promise<void> {
  for (;;) {
    if (!m.running) {
      const how = m.lastExit ? `code ${m.lastExit.code}, signal ${m.lastExit.signal}` : 'not running';
      throw new Error(`etcd member ${m.name} exited before becoming healthy (${how}). Last log lines:\n${m.log.tail()}`);
    }
    if (await isHealthy(m.clientUrl, tls)) return;
    if (Date.now() > deadline) {
      throw new Error(`etcd member ${m.name} (${m.clientUrl}) not healthy in time. Last log lines:\n${m.log.tail()}`);
    }
    await Promise.race([new Promise((r) => setTimeout(r, POLL_MS)), m.exited]);
  }
}
