import type { IStatusResponse } from 'etcd3';
import type { EtcdRpc } from './rpc';

/** How long a member that timed out or refused is tried last (reads) or not at all (writes). */
export const AVOID_MS = 5000;
/** A member's answer older than this no longer counts it as answering. */
const ANSWER_FRESH_MS = 10_000;

export const hexId = (id: string | number | undefined): string => (id === undefined || id === '' ? '0' : BigInt(id).toString(16));

/**
 * One of the profile's endpoints and what the session learnt about it. A member is known by the
 * id it reports in its own answers (Status().header.member_id), never by the client URLs it
 * advertises: NAT, port-forwards and test proxies rewrite those, and only the profile's own
 * endpoints are ever dialled.
 */
export class Member {
  /** Hex member id, once the member answered a Status. */
  memberId?: string;
  isLearner = false;
  /** The last connection to it failed (refused, dropped): avoided until it answers again. */
  down = false;
  /** When `down` became true. */
  downSince = 0;
  /** It timed out or failed to connect: avoided until then (a hung member is not retried at every call). */
  avoidUntil = 0;
  lastOkAt = 0;
  lastFailAt = 0;
  /** What went wrong last, in words, for messages ("refused the connection"). */
  lastProblem?: string;
  /** One Status in flight at a time per member (leader discovery, liveness, cluster view share it). */
  statusInFlight?: Promise<IStatusResponse>;

  constructor(
    readonly endpoint: string,
    readonly rpc: EtcdRpc,
  ) {}

  get healthy(): boolean {
    return !this.down && Date.now() >= this.avoidUntil;
  }

  /** Answered something just now (or recently enough to count in "2 of 3 members"). */
  get answering(): boolean {
    return this.lastOkAt > this.lastFailAt && Date.now() - this.lastOkAt < ANSWER_FRESH_MS;
  }

  answered(): void {
    this.down = false;
    this.downSince = 0;
    this.avoidUntil = 0;
    this.lastOkAt = Date.now();
    this.lastProblem = undefined;
  }

  failed(problem: string, connection: boolean, timedOut: boolean): void {
    const now = Date.now();
    this.lastFailAt = now;
    this.lastProblem = problem;
    if (connection && !this.down) {
      this.down = true;
      this.downSince = now;
    }
    if (connection || timedOut) this.avoidUntil = now + AVOID_MS;
  }
}

/** Members that take KV calls: never learners (unless every endpoint is one, then etcd will say so). */
export function voters(members: readonly Member[]): Member[] {
  const v = members.filter((m) => !m.isLearner);
  return v.length > 0 ? v : [...members];
}

/** Reads: healthy members first, in turn (start rotates per call), then the avoided ones. */
export function readOrder(members: readonly Member[], start: number): Member[] {
  const v = voters(members);
  const healthy = v.filter((m) => m.healthy);
  const rest = v.filter((m) => !m.healthy).sort((a, b) => a.avoidUntil - b.avoidUntil);
  const k = healthy.length ? start % healthy.length : 0;
  return [...healthy.slice(k), ...healthy.slice(0, k), ...rest];
}
