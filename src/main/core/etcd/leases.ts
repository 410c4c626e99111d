/**
 * Leases: list (paged in the app: etcd answers every id at once), time-to-live with keys, grant,
 * revoke, and renewals (once, or continuously on a LeaseKeepAlive stream of one member).
 *
 * Lease ids are int64: they stay decimal strings (or BigInt) here and cross IPC as decimal
 * strings; etcd3 is given strings, which it turns into Longs without losing bits.
 */
import { mapLimit } from '../tasks/map-limit';
import { EtcdLeaseInvalidError, GRPCDeadlineExceededError, type IDuplexStream, type IRequestOp, type ITxnResponse, type ILeaseKeepAliveRequest, type ILeaseKeepAliveResponse } from 'etcd3';
import type { LeaseChoice } from '../../../shared/contract';
import type { LeaseDetail, LeaseGrantResult, LeaseInfo, LeasePage, LeaseRevokeResult, PutResult } from '../../../shared/types';
import type { AppError } from '../../../shared/result';
import { fromBuffer } from './bytes';
import { AppFailure, failure, toAppError } from './errors';
import type { EtcdSession } from './session';

/** TimeToLive calls in flight for one page. */
const TTL_CONCURRENCY = 16;
/** A keep-alive stream that fails is opened again on the next member this many times in a row. */
const KEEPALIVE_REOPENS = 3;

/** etcdctl prints lease ids as `%016x`: lowercase hex of the int64, 16 digits, no 0x. */
export const leaseHex = (id: string): string => BigInt.asUintN(64, BigInt(id)).toString(16).padStart(16, '0');

/** The raw error under an AppFailure (the session wraps what the RPC threw). */
const causeOf = (err: unknown): unknown => (err instanceof AppFailure ? (err.cause ?? err) : err);

/** etcd answered "requested lease not found" (etcd3 casts it to EtcdLeaseInvalidError). */
export const isLeaseNotFound = (err: unknown): boolean => causeOf(err) instanceof EtcdLeaseInvalidError;

const isLeaseExists = (err: unknown): boolean => {
  const c = causeOf(err);
  return c instanceof Error && /etcdserver: lease already exists/.test(c.message);
};

export const leaseGone = (id: string): AppFailure =>
  failure('NOT_FOUND', `Lease ${leaseHex(id)} does not exist (it expired or was revoked).`, { field: 'lease' });


export interface KeepAliveHandlers {
  /** Every answer of etcd: seconds left after the renewal (-1: the lease is gone, the feed ends). */
  renewed(ttl: number): void;
  /** The feed cannot go on (lease gone, no member answers): report and release it. */
  ended(error: AppError): void;
}

export class LeaseService {
  constructor(private readonly session: EtcdSession) {}

  private get rpc() {
    return this.session.rpc;
  }

  /** One page of leases: every id from LeaseLeases, TimeToLive (with keys) for this page only. */
  list(offset: number, limit: number): Promise<LeasePage> {
    return this.session.run('read', async () => {
      const all = (await this.rpc.leaseLeases()).leases.map((l) => String(l.ID));
      const page = all.slice(offset, offset + limit);
      const items = await mapLimit(page, TTL_CONCURRENCY, async (id): Promise<LeaseInfo> => {
        const r = await this.rpc.leaseTimeToLive({ ID: id, keys: true });
        const ttl = Number(r.TTL);
        return { id, grantedTtl: Number(r.grantedTTL), ttl: ttl < 0 ? -1 : ttl, keyCount: r.keys?.length ?? 0 };
      });
      return { items, total: all.length };
    });
  }

  /** Granted and remaining TTL and up to `keysLimit` attached keys; NOT_FOUND once it is gone. */
  detail(id: string, keysLimit: number): Promise<LeaseDetail> {
    return this.session.run('read', async () => {
      const r = await this.rpc.leaseTimeToLive({ ID: id, keys: true });
      const ttl = Number(r.TTL);
      if (ttl < 0) throw leaseGone(id);
      const keys = r.keys ?? [];
      return { id, grantedTtl: Number(r.grantedTTL), ttl, keyCount: keys.length, keys: keys.slice(0, keysLimit).map((k) => fromBuffer(k)) };
    });
  }

  /** Grants a lease; `id` asks for that id (CONFLICT when it is taken). Sent at most once. */
  async grant(ttl: number, id?: string): Promise<LeaseGrantResult> {
    try {
      return await this.session.run('write', async () => {
        const r = await this.rpc.leaseGrant({ TTL: ttl, ID: id ?? '0' });
        return { id: String(r.ID), ttl: Number(r.TTL) };
      });
    } catch (err) {
      if (id !== undefined && isLeaseExists(err)) {
        throw failure('CONFLICT', `Lease ${leaseHex(id)} (${id}) already exists; nothing was granted.`, { field: 'lease' });
      }
      throw err;
    }
  }

  /** Revokes a lease: etcd deletes every key attached to it. */
  async revoke(id: string): Promise<LeaseRevokeResult> {
    try {
      return await this.session.run('write', async () => {
        const r = await this.rpc.leaseRevoke({ ID: id });
        return { revision: Number(r.header.revision) };
      });
    } catch (err) {
      if (isLeaseNotFound(err)) throw leaseGone(id);
      throw err;
    }
  }

  /**
   * One renewal on a keep-alive stream, trying the members in turn within the session's
   * deadline. Renewing twice is harmless, so a failed try moves on to the next member.
   */
  async keepAliveOnce(id: string): Promise<{ id: string; ttl: number }> {
    const targets = this.session.streamTargets();
    const deadline = Date.now() + this.session.config.deadlineMs;
    let last: unknown;
    for (const t of targets) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let stream: IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse> | undefined;
      try {
        stream = await withTimeout(t.rpc.leaseKeepAlive(), left);
        const s = stream;
        const res = await withTimeout(
          new Promise<ILeaseKeepAliveResponse>((resolve, reject) => {
            s.on('data', resolve);
            s.on('error', reject);
            s.write({ ID: id });
          }),
          Math.max(1, deadline - Date.now()),
        );
        const ttl = Number(res.TTL);
        if (ttl <= 0) throw leaseGone(id);
        return { id, ttl };
      } catch (err) {
        if (err instanceof AppFailure) throw err;
        last = err;
      } finally {
        stream?.cancel();
      }
    }
    throw new AppFailure(this.streamError(last), { cause: last });
  }

  /**
   * Keeps a lease alive until the returned release is called: a LeaseKeepAlive stream on one
   * member, a renewal every third of the TTL (what etcd's Go client does). Resolves once the
   * first renewal is answered (NOT_FOUND when the lease is gone). A stream that fails, or stays
   * silent past the session's deadline, is opened again on the next member.
   */
  async keepAlive(id: string, on: KeepAliveHandlers): Promise<() => void> {
    const first = await this.keepAliveOnce(id);
    on.renewed(first.ttl);
    let stopped = false;
    let stream: IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse> | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let silence: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let interval = Math.max(250, (first.ttl * 1000) / 3);

    const clear = () => {
      if (timer) clearTimeout(timer);
      if (silence) clearTimeout(silence);
      timer = silence = undefined;
      const s = stream;
      stream = undefined;
      s?.cancel();
    };
    const stop = (error?: AppError) => {
      if (stopped) return;
      stopped = true;
      clear();
      if (error) on.ended(error);
    };
    const retry = (err: unknown) => {
      if (stopped) return;
      clear();
      if (++failures > KEEPALIVE_REOPENS) {
        stop(this.streamError(err));
        return;
      }
      void open();
    };
    const send = () => {
      if (stopped || !stream) return;
      stream.write({ ID: id });
      silence ??= setTimeout(() => retry(new Error('the keep-alive stream went silent')), this.session.config.deadlineMs);
    };
    const open = async () => {
      let s: IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse>;
      try {
        const targets = this.session.streamTargets();
        s = await withTimeout(targets[0].rpc.leaseKeepAlive(), this.session.config.deadlineMs);
      } catch (err) {
        if (err instanceof AppFailure) stop(err.error);
        else retry(err);
        return;
      }
      if (stopped) {
        s.cancel();
        return;
      }
      stream = s;
      s.on('error', (err) => {
        if (stream === s) retry(err);
      });
      s.on('end', () => {
        if (stream === s) retry(new Error('the keep-alive stream ended'));
      });
      s.on('data', (res) => {
        if (stream !== s || stopped) return;
        if (silence) clearTimeout(silence);
        silence = undefined;
        failures = 0;
        const ttl = Number(res.TTL);
        if (ttl <= 0) {
          on.renewed(-1);
          stop(leaseGone(id).error);
          return;
        }
        on.renewed(ttl);
        interval = Math.max(250, (ttl * 1000) / 3);
        if (timer) clearTimeout(timer);
        timer = setTimeout(send, interval);
      });
      timer = setTimeout(send, failures > 0 ? 0 : interval);
    };
    await open();
    return () => stop();
  }

  private streamError(err: unknown): AppError {
    // Renewals are safe to repeat: a failure is reported like a read's.
    return toAppError(err ?? new Error('no member answered'), { kind: 'read', endpoints: this.session.endpoints, deadlineMs: this.session.config.deadlineMs, closed: this.session.isClosed });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new GRPCDeadlineExceededError(`Deadline exceeded: no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

export interface LeasePut {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly expected: number | undefined;
  readonly choice: Exclude<LeaseChoice, { mode: 'keep' }>;
  /** kv.ts's CONFLICT for a failed compare (its failure branch read the key back). */
  readonly conflict: (res: ITxnResponse, expected: number) => AppFailure;
}

/**
 * A put with an explicit lease (kv:put `lease`): `none` writes lease 0 (detaches), `attach` the
 * given id (NOT_FOUND when it is gone: etcd refuses the whole txn), `grant` grants a lease with
 * the TTL first, then puts with it; when that put certainly failed the new lease is revoked again
 * (when its outcome is unknown the lease is left to expire: revoking would delete a key that may
 * have been written). Each write is sent at most once, like every put.
 */
export async function putWithLease(session: EtcdSession, p: LeasePut): Promise<PutResult> {
  const leases = new LeaseService(session);
  let granted: LeaseGrantResult | undefined;
  if (p.choice.mode === 'grant') {
    try {
      granted = await leases.grant(p.choice.ttl);
    } catch (err) {
      if (err instanceof AppFailure && err.error.code !== 'OUTCOME_UNKNOWN') {
        throw new AppFailure({ ...err.error, message: `${err.error.message} (Granting the new lease failed; the key was not written.)` }, { cause: err.cause });
      }
      throw err;
    }
  }
  const lease = p.choice.mode === 'none' ? '0' : p.choice.mode === 'attach' ? p.choice.id : granted!.id;
  try {
    return await session.run('write', async () => {
      const put: IRequestOp = { request_put: { key: p.key, value: p.value, lease } };
      try {
        if (p.expected === undefined) {
          // The range runs before the put inside the txn: it says whether the key existed.
          const res = await session.rpc.txn({ compare: [], success: [{ request_range: { key: p.key, count_only: true } }, put] });
          const existed = Number(res.responses[0]?.response_range?.count ?? 0) > 0;
          return { revision: Number(res.header.revision), created: !existed, lease };
        }
        const res = await session.rpc.txn({
          compare:
            p.expected === 0
              ? [{ key: p.key, target: 'Create', result: 'Equal', create_revision: 0 }]
              : [{ key: p.key, target: 'Mod', result: 'Equal', mod_revision: p.expected }],
          success: [put],
          failure: [{ request_range: { key: p.key } }],
        });
        if (!res.succeeded) throw p.conflict(res, p.expected);
        return { revision: Number(res.header.revision), created: p.expected === 0, lease };
      } catch (err) {
        // etcd checks the lease when applying and refuses the whole txn: nothing was written.
        if (isLeaseNotFound(err)) throw failure('NOT_FOUND', `Lease ${leaseHex(lease)} does not exist (it expired or was revoked); the key was not written.`, { field: 'lease' });
        throw err;
      }
    });
  } catch (err) {
    if (!granted || !(err instanceof AppFailure)) throw err;
    if (err.error.code === 'OUTCOME_UNKNOWN') {
      throw new AppFailure(
        { ...err.error, message: `${err.error.message} The new lease ${leaseHex(granted.id)} was left in place; it expires in ${granted.ttl} s unless kept alive.` },
        { cause: err.cause },
      );
    }
    let after: string;
    try {
      await leases.revoke(granted.id);
      after = `The lease ${leaseHex(granted.id)} granted for it was revoked again.`;
    } catch {
      after = `The lease ${leaseHex(granted.id)} granted for it could not be revoked; it expires in ${granted.ttl} s.`;
    }
    throw new AppFailure({ ...err.error, message: `${err.error.message} ${after}` }, { cause: err.cause });
  }
}
