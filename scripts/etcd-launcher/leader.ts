/**
 * Which member leads, from each member's `GET /metrics` gauge `etcd_server_is_leader 1|0`, which
 * etcd flips as soon as raft changes leader. Not `POST /v3/maintenance/status` (grpc-gateway):
 * with auth + client-cert-auth, etcd 3.4's gateway rejects any client cert that has a CN
 * ("CommonName of client sending a request against gateway will be ignored..."), and `etcdctl
 * endpoint status -w json` prints member ids as bare JSON numbers above 2^53, which JSON.parse
 * rounds. /metrics is a plain handler: no auth needed, certs work.
 */
import { httpGet, type TlsMaterial } from './http-get';
import type { MemberProcess } from './member';

const POLL_MS = 25;

/** true/false from the member's `etcd_server_is_leader` gauge; undefined when unreachable. */
async function isLeader(clientUrl: string, tls: TlsMaterial | undefined): Promise<boolean | undefined> {
  try {
    const { status, text } = await httpGet(`${clientUrl}/metrics`, tls, 1000);
    if (status !== 200) return undefined;
    const m = /^etcd_server_is_leader (\S+)$/m.exec(text);
    return m ? Number(m[1]) === 1 : undefined;
  } catch {
    return undefined;
  }
}

/** Index of the one member that says it leads, or undefined right now. */
export async function findLeaderOnce(members: readonly MemberProcess[], tls: TlsMaterial | undefined): Promise<number | undefined> {
  const flags = await Promise.all(
    members.map((m) => (m.running ? isLeader(m.clientUrl, tls) : Promise.resolve(undefined))),
  );
  const leaders = flags.flatMap((f, k) => (f ? [k] : []));
  // Exactly one self-declared leader; during an election there may be none (or, briefly, a stale one).
  return leaders.length === 1 ? leaders[0] : undefined;
}

export async function waitForLeader(
  members: readonly MemberProcess[],
  tls: TlsMaterial | undefined,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const idx = await findLeaderOnce(members, tls);
    if (idx !== undefined) return idx;
    if (Date.now() > deadline) throw new Error(`no etcd leader found within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
