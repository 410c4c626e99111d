/**
 * WatchFeed against scripted Watch streams: what it asks etcd (create, progress, cancel), how it
 * reads the answers (events, progress, compaction, cancel, refusal), and how it moves between
 * members (error, end, silence) without losing or repeating a change. Short real timers; every
 * wait is for an event, bounded.
 */
import type { IWatchRequest, IWatchResponse } from 'etcd3';
import { text } from '../../../src/shared/bytes';
import type { AppError } from '../../../src/shared/result';
import type { StreamTarget } from '../../../src/main/core/etcd/session';
import { WatchFeed, type WatchTimings, type WatchUpdate } from '../../../src/main/core/etcd/watch';
import { AppFailure } from '../../../src/main/core/etcd/errors';
import { silentLogger } from '../../../src/main/core/logging/logger';

const WAIT_MS = 5000;
/** Silence is 2 s here (a loaded machine can stall for a while); the tests about silence set their own. */
const TIMINGS: Partial<WatchTimings> = { flushMs: 1, probeMs: 20, silenceMs: 2000, openMs: 2000, backoffMinMs: 5, backoffMaxMs: 20 };
const SILENCE: Partial<WatchTimings> = { silenceMs: 120 };

type Listener = (arg: unknown) => void;

/** A Watch stream whose answers the test writes. */
class FakeStream {
  readonly written: IWatchRequest[] = [];
  ended = false;
  cancelled = false;
  private readonly listeners = new Map<string, Listener[]>();
  private readonly waiters = new Set<() => void>();

  on(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  write(req: IWatchRequest): void {
    this.written.push(req);
    for (const w of [...this.waiters]) w();
  }
  end(): void {
    this.ended = true;
  }
  cancel(): void {
    this.cancelled = true;
    for (const w of [...this.waiters]) w();
  }
  emit(event: string, arg?: unknown): void {
    for (const fn of this.listeners.get(event) ?? []) fn(arg);
  }

  get creates() {
    return this.written.flatMap((r) => (r.create_request ? [r.create_request] : []));
  }

  /** Resolves when `check` holds (checked after every write and cancel). */
  until(check: (s: FakeStream) => boolean, what: string): Promise<void> {
    if (check(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = () => {
        if (!check(this)) return;
        this.waiters.delete(w);
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        this.waiters.delete(w);
        reject(new Error(`timed out waiting for ${what}; written ${JSON.stringify(this.written)}`));
      }, WAIT_MS);
      this.waiters.add(w);
    });
  }

  // ---- answers ----
  created(watchId: string, revision: number): void {
    this.emit('data', res({ watch_id: watchId, created: true, header: header(revision) }));
  }
  events(watchId: string, revision: number, evs: Array<[type: 'Put' | 'Delete', key: string, modRevision: number, value?: string]>): void {
    this.emit(
      'data',
      res({
        watch_id: watchId,
        header: header(revision),
        events: evs.map(([type, key, mod, value]) => ({
          type,
          kv: { key: Buffer.from(key), value: Buffer.from(value ?? ''), mod_revision: String(mod), create_revision: String(mod), version: '1', lease: '0' },
          prev_kv: type === 'Delete' ? { key: Buffer.from(key), value: Buffer.from('old'), mod_revision: '1', create_revision: '1', version: '3', lease: '0' } : null,
        })) as unknown as IWatchResponse['events'],
      }),
    );
  }
  progress(watchId: string, revision: number): void {
    this.emit('data', res({ watch_id: watchId, header: header(revision) }));
  }
  cancelledBy(watchId: string, fields: Partial<IWatchResponse>): void {
    this.emit('data', res({ watch_id: watchId, canceled: true, header: header(0), ...fields }));
  }
}

const header = (revision: number) => ({ revision: String(revision), cluster_id: '1', member_id: '1', raft_term: '2' }) as IWatchResponse['header'];
const res = (fields: Partial<IWatchResponse>): IWatchResponse =>
  ({ watch_id: '0', created: false, canceled: false, compact_revision: '0', cancel_reason: '', fragment: false, events: [], header: header(0), ...fields }) as IWatchResponse;

/** Members whose streams the test scripts; `opened[endpoint]` lists the streams opened there. */
function members(...endpoints: string[]) {
  const opened = new Map<string, FakeStream[]>(endpoints.map((e) => [e, []]));
  const openWaiters = new Set<() => void>();
  const refuse = new Set<string>();
  /** How many times each member was asked to forget its login (renewLogin). */
  const renewed = new Map<string, number>(endpoints.map((e) => [e, 0]));
  const targets = (): StreamTarget[] =>
    endpoints.map((endpoint) => ({
      endpoint,
      rpc: {
        watch: async () => {
          const s = new FakeStream();
          opened.get(endpoint)!.push(s);
          for (const w of [...openWaiters]) w();
          if (refuse.has(endpoint)) setTimeout(() => s.emit('error', Object.assign(new Error('connect ECONNREFUSED'), { name: 'GRPCUnavailableError' })), 0);
          return s as never;
        },
        leaseKeepAlive: async () => {
          throw new Error('not used');
        },
        renewLogin: () => {
          renewed.set(endpoint, renewed.get(endpoint)! + 1);
        },
      } as unknown as StreamTarget['rpc'],
    }));
  /** The next stream opened on `endpoint` (its n-th, 0-based). */
  const stream = (endpoint: string, n = 0): Promise<FakeStream> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const s = opened.get(endpoint)![n];
        if (!s) return false;
        openWaiters.delete(check);
        clearTimeout(t);
        resolve(s);
        return true;
      };
      const t = setTimeout(() => {
        openWaiters.delete(check);
        reject(new Error(`no stream #${n} on ${endpoint}`));
      }, WAIT_MS);
      if (!check()) openWaiters.add(check);
    });
  return { targets, opened, stream, refuse, renewed };
}

function feedOn(targets: () => StreamTarget[], startRevision = 11, spec: { whole?: boolean; key?: string; prefix?: boolean; timings?: Partial<WatchTimings> } = {}) {
  const updates: WatchUpdate[] = [];
  const failures: AppError[] = [];
  const waiters = new Set<() => void>();
  const feed = new WatchFeed({
    targets,
    key: Buffer.from(spec.key ?? 'p/'),
    ...(spec.prefix === false ? {} : { rangeEnd: Buffer.from('p0') }),
    startRevision,
    values: spec.whole ? { kind: 'whole' } : { kind: 'preview', previewBytes: 2 },
    emit: (u) => {
      updates.push(u);
      for (const w of [...waiters]) w();
    },
    fail: (e) => {
      failures.push(e);
      for (const w of [...waiters]) w();
    },
    log: silentLogger,
    timings: { ...TIMINGS, ...spec.timings },
  });
  const until = (check: () => boolean, what: string): Promise<void> =>
    check()
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          const w = () => {
            if (!check()) return;
            waiters.delete(w);
            clearTimeout(t);
            resolve();
          };
          const t = setTimeout(() => {
            waiters.delete(w);
            reject(new Error(`timed out waiting for ${what}; updates ${JSON.stringify(updates)}`));
          }, WAIT_MS);
          waiters.add(w);
        });
  const changes = () => updates.flatMap((u) => u.changes.map((c) => `${c.type} ${c.key.data}@${c.modRevision}`));
  return { feed, updates, failures, until, changes };
}

/** Starts the feed on member `a` and confirms the watch (id "7", created at revision 10). */
async function started(endpoints = ['a', 'b'], startRevision = 11, timings: Partial<WatchTimings> = {}) {
  const m = members(...endpoints);
  const f = feedOn(m.targets, startRevision, { timings });
  const starting = f.feed.start();
  const s = await m.stream(endpoints[0]);
  await s.until((x) => x.creates.length === 1, 'the create request');
  s.created('7', 10);
  await starting;
  return { m, f, s };
}

describe('WatchFeed', () => {
  it('asks for a prefix from the start revision with prev_kv and progress_notify, and hands over coalesced changes', async () => {
    const { f, s } = await started();
    expect(s.creates[0]).toMatchObject({ key: Buffer.from('p/'), range_end: Buffer.from('p0'), start_revision: 11, prev_kv: true, progress_notify: true });
    s.events('7', 13, [
      ['Put', 'p/a', 11, 'hello'],
      ['Put', 'p/b', 12, 'x'],
    ]);
    s.events('7', 13, [
      ['Put', 'p/a', 13, 'again'],
      ['Delete', 'p/b', 13],
    ]);
    await f.until(() => f.changes().includes('delete p/b@13'), 'the delete');
    const all = f.updates.flatMap((u) => u.changes);
    const lastA = all.filter((c) => c.key.data === 'p/a').at(-1)!;
    expect(lastA).toMatchObject({ type: 'put', size: 5, preview: text('ag'), truncated: true, modRevision: 13 });
    const delB = all.find((c) => c.type === 'delete')!;
    // A delete: the revision of the delete, the meta and size of what was deleted.
    expect(delB).toMatchObject({ modRevision: 13, createRevision: 1, version: 3, size: 3 });
    expect(f.updates.at(-1)!.revision).toBe(13);
    f.feed.close();
  });

  it('skips events at or below the revision delivered; progress answers (id -1) never move it, its own progress notifications do', async () => {
    const { f, s } = await started();
    s.events('7', 20, [['Put', 'p/a', 12, '1']]);
    await f.until(() => f.changes().length === 1, 'the first put');
    s.events('7', 20, [['Put', 'p/a', 12, '1']]);
    s.progress('-1', 99);
    expect(f.feed.revision).toBe(12);
    s.progress('7', 30);
    expect(f.feed.revision).toBe(30);
    s.events('7', 31, [['Put', 'p/b', 25, 'old']]);
    s.events('7', 31, [['Put', 'p/c', 31, 'new']]);
    await f.until(() => f.changes().includes('put p/c@31'), 'the put at 31');
    expect(f.changes()).toEqual(['put p/a@12', 'put p/c@31']);
    f.feed.close();
  });

  it('a stream error: reconnecting, reopened on the next member from the last revision + 1, then live; the old stream is shut', async () => {
    const { m, f, s } = await started();
    s.events('7', 15, [['Put', 'p/a', 15, 'v']]);
    await f.until(() => f.changes().length === 1, 'the put');
    s.emit('error', Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), { name: 'GRPCUnavailableError' }));
    await f.until(() => f.updates.some((u) => u.state === 'reconnecting'), 'reconnecting');
    expect(s.ended && s.cancelled).toBe(true);
    expect(s.written.some((r) => r.cancel_request?.watch_id === '7')).toBe(true);
    const b = await m.stream('b');
    await b.until((x) => x.creates.length === 1, 'the create on b');
    expect(b.creates[0].start_revision).toBe(16);
    b.created('3', 18);
    await f.until(() => f.updates.some((u) => u.state === 'live'), 'live');
    // Events the new member repeats are dropped; new ones pass.
    b.events('3', 18, [
      ['Put', 'p/a', 15, 'v'],
      ['Put', 'p/x', 17, 'w'],
    ]);
    await f.until(() => f.changes().includes('put p/x@17'), 'the put on b');
    expect(f.changes()).toEqual(['put p/a@15', 'put p/x@17']);
    expect(f.updates.map((u) => u.state).filter(Boolean)).toEqual(['reconnecting', 'live']);
    expect(f.updates.find((u) => u.state === 'reconnecting')!.revision).toBe(15);
    f.feed.close();
  });

  it('a silent member (progress requests unanswered): dropped after the silence bound, resumed elsewhere', async () => {
    const { m, f, s } = await started(['a', 'b'], 11, SILENCE);
    await s.until((x) => x.written.some((r) => r.progress_request), 'a progress request');
    await s.until((x) => x.cancelled, 'the silent stream shut');
    const b = await m.stream('b');
    await b.until((x) => x.creates.length === 1, 'the create on b');
    expect(b.creates[0].start_revision).toBe(11);
    b.created('1', 12);
    await f.until(() => f.updates.some((u) => u.state === 'live'), 'live');
    f.feed.close();
  });

  it('a member that answers progress requests stays far past the silence bound; one that stops answering is dropped', async () => {
    // Fake clock: the check runs exactly when the test says, whatever the machine's load.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
    try {
      const { m, f, s } = await started(['a', 'b'], 11, SILENCE);
      let answered = 0;
      // 2 s of fake time (the silence bound is 120 ms), answering each progress request.
      for (let i = 0; i < 200; i++) {
        vi.advanceTimersByTime(10);
        const asked = s.written.filter((r) => r.progress_request).length;
        for (; answered < asked; answered++) s.progress('-1', 10);
      }
      expect(answered).toBeGreaterThanOrEqual(20);
      expect(s.cancelled).toBe(false);
      expect(m.opened.get('b')).toHaveLength(0);
      expect(f.updates).toEqual([]);
      // Now it stops answering.
      vi.advanceTimersByTime(300);
      expect(s.cancelled).toBe(true);
      await m.stream('b');
      f.feed.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('compacted: created again from now, then a resync batch with the compact revision and the revision it goes on from', async () => {
    const { f, s } = await started(['a'], 3);
    s.cancelledBy('7', { compact_revision: '9' });
    await s.until((x) => x.creates.length === 2, 'the second create');
    expect(s.creates[1].start_revision).toBe(0);
    s.created('8', 42);
    await f.until(() => f.updates.some((u) => u.resync), 'the resync');
    const r = f.updates.find((u) => u.resync)!;
    expect(r.resync).toMatchObject({ reason: 'compacted', compactRevision: 9 });
    expect(r.resync!.message).toMatch(/revision 3 .*compacted up to revision 9/);
    expect(r.revision).toBe(42);
    s.events('8', 43, [['Put', 'p/n', 43, 'n']]);
    await f.until(() => f.changes().includes('put p/n@43'), 'the put after');
    f.feed.close();
  });

  it('cancelled by etcd for another reason: resync "cancelled", created again from the last revision + 1', async () => {
    const { f, s } = await started();
    s.events('7', 14, [['Put', 'p/a', 14, 'v']]);
    s.cancelledBy('7', { cancel_reason: 'some reason' });
    await s.until((x) => x.creates.length === 2, 'the second create');
    expect(s.creates[1].start_revision).toBe(15);
    s.created('9', 20);
    await f.until(() => f.updates.some((u) => u.resync), 'the resync');
    const r = f.updates.find((u) => u.resync)!;
    expect(r.resync).toMatchObject({ reason: 'cancelled' });
    expect(r.resync!.message).not.toContain('some reason');
    expect(r.revision).toBe(14);
    f.feed.close();
  });

  it('permission denied: at start the open fails with PERMISSION_DENIED; later the feed fails and shuts its stream', async () => {
    const m = members('a');
    const f = feedOn(m.targets);
    const starting = f.feed.start();
    const s = await m.stream('a');
    await s.until((x) => x.creates.length === 1, 'the create');
    s.emit('data', res({ watch_id: '0', created: true, canceled: true, cancel_reason: 'etcdserver: permission denied', header: header(5) }));
    const err = await starting.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppFailure);
    expect((err as AppFailure).error.code).toBe('PERMISSION_DENIED');
    expect((err as AppFailure).error.message).not.toContain('etcdserver');

    const later = await started(['a']);
    later.s.cancelledBy('7', { cancel_reason: 'etcdserver: permission denied' });
    await later.f.until(() => later.f.failures.length === 1, 'the failure');
    expect(later.f.failures[0].code).toBe('PERMISSION_DENIED');
    expect(later.s.cancelled).toBe(true);
  });

  // etcd 3.4.22+ answers a watch created with a token it does not know (an etcd restart forgets
  // every simple token) with this cancel reason; etcd3 renews its token for unary calls only.
  const STALE_TOKEN = 'rpc error: code = Unauthenticated desc = etcdserver: invalid auth token';

  it('a member restarted (its login token forgotten): the resume logs in again on that member and goes on, nothing lost', async () => {
    const { m, f, s } = await started(['a']);
    s.events('7', 15, [['Put', 'p/a', 15, 'v']]);
    await f.until(() => f.changes().length === 1, 'the put');
    s.emit('error', Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), { name: 'GRPCUnavailableError' }));
    await f.until(() => f.updates.some((u) => u.state === 'reconnecting'), 'reconnecting');
    const refused = await m.stream('a', 1);
    await refused.until((x) => x.creates.length === 1, 'the create after the restart');
    expect(m.renewed.get('a')).toBe(0);
    refused.emit('data', res({ watch_id: '0', created: true, canceled: true, cancel_reason: STALE_TOKEN, header: header(16) }));
    // A fresh login (renewLogin), a new stream on the same member, from the last revision + 1.
    const again = await m.stream('a', 2);
    expect(m.renewed.get('a')).toBe(1);
    expect(refused.cancelled).toBe(true);
    await again.until((x) => x.creates.length === 1, 'the create with a fresh login');
    expect(again.creates[0].start_revision).toBe(16);
    again.created('9', 17);
    await f.until(() => f.updates.some((u) => u.state === 'live'), 'live');
    again.events('9', 17, [['Put', 'p/b', 17, 'w']]);
    await f.until(() => f.changes().includes('put p/b@17'), 'the put after the restart');
    expect(f.failures).toEqual([]);
    expect(f.changes()).toEqual(['put p/a@15', 'put p/b@17']);
    f.feed.close();
  });

  it('a live watch created again (after a cancel) with an expired token: logged in again and resumed, not failed', async () => {
    const { m, f, s } = await started(['a']);
    s.cancelledBy('7', { cancel_reason: STALE_TOKEN });
    const again = await m.stream('a', 1);
    expect(m.renewed.get('a')).toBe(1);
    await again.until((x) => x.creates.length === 1, 'the create with a fresh login');
    expect(again.creates[0].start_revision).toBe(11);
    again.created('8', 12);
    await f.until(() => f.updates.some((u) => u.state === 'live'), 'live');
    expect(f.failures).toEqual([]);
    f.feed.close();
  });

  it('a fresh login refused as well: AUTH_FAILED (no endless retry)', async () => {
    const m = members('a');
    const f = feedOn(m.targets);
    const starting = f.feed.start();
    const first = await m.stream('a');
    await first.until((x) => x.creates.length === 1, 'the create');
    first.emit('data', res({ watch_id: '0', created: true, canceled: true, cancel_reason: STALE_TOKEN, header: header(5) }));
    const second = await m.stream('a', 1);
    await second.until((x) => x.creates.length === 1, 'the create with a fresh login');
    second.emit('data', res({ watch_id: '0', created: true, canceled: true, cancel_reason: STALE_TOKEN, header: header(5) }));
    const err = await starting.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppFailure);
    expect((err as AppFailure).error.code).toBe('AUTH_FAILED');
    expect(m.renewed.get('a')).toBe(1);
    expect(m.opened.get('a')).toHaveLength(2);
  });

  it('no member reachable: the open fails with UNAVAILABLE in plain words; during a resume it keeps trying until closed', async () => {
    const m = members('a', 'b');
    m.refuse.add('a');
    m.refuse.add('b');
    const f = feedOn(m.targets);
    const err = await f.feed.start().then(
      () => undefined,
      (e: unknown) => e as AppFailure,
    );
    expect(err?.error.code).toBe('UNAVAILABLE');
    expect(err?.error.message).toMatch(/a could not be reached, b could not be reached/);

    const { m: m2, f: f2, s } = await started(['a', 'b']);
    m2.refuse.add('a');
    m2.refuse.add('b');
    s.emit('end');
    await f2.until(() => f2.updates.some((u) => u.state === 'reconnecting'), 'reconnecting');
    // Several rounds over both members (with backoff), then close: the tries stop.
    await m2.stream('b', 3);
    f2.feed.close();
    const tries = m2.opened.get('a')!.length + m2.opened.get('b')!.length;
    await new Promise<void>((resolve) => setTimeout(resolve, 100));
    expect(m2.opened.get('a')!.length + m2.opened.get('b')!.length).toBeLessThanOrEqual(tries + 1);
    expect(f2.updates.some((u) => u.state === 'live')).toBe(false);
  });

  it('close cancels the watch and the stream, and nothing is handed over afterwards', async () => {
    const { f, s } = await started();
    s.events('7', 12, [['Put', 'p/a', 12, 'v']]);
    f.feed.close();
    expect(s.written.at(-1)).toEqual({ cancel_request: { watch_id: '7' } });
    expect(s.ended).toBe(true);
    expect(s.cancelled).toBe(true);
    s.events('7', 13, [['Put', 'p/b', 13, 'v']]);
    s.emit('error', new Error('cancelled'));
    expect(f.updates).toEqual([]);
  });

  it('closed while opening (a member that never creates the watch, or never opens the stream): start settles at once', async () => {
    const m = members('a');
    const f = feedOn(m.targets);
    const starting = f.feed.start();
    const s = await m.stream('a');
    await s.until((x) => x.creates.length === 1, 'the create');
    f.feed.close();
    await starting;
    expect(s.cancelled).toBe(true);

    const hanging: StreamTarget = { endpoint: 'h', rpc: { watch: () => new Promise<never>(() => undefined) } as unknown as StreamTarget['rpc'] };
    // An open timeout far beyond the test's own: only the close can settle it in time.
    const g = feedOn(() => [hanging], 11, { timings: { openMs: 600_000, silenceMs: 600_000 } });
    const opening = g.feed.start();
    // Let the open begin, then close: the open gives up without waiting for its timeout.
    await Promise.resolve();
    g.feed.close();
    await opening;
    expect(g.updates).toEqual([]);
  });

  it('a key watch: the exact key (no range end) and whole values', async () => {
    const m = members('a');
    const f = feedOn(m.targets, 5, { key: 'k', prefix: false, whole: true });
    const starting = f.feed.start();
    const s = await m.stream('a');
    await s.until((x) => x.creates.length === 1, 'the create');
    expect(s.creates[0].key).toEqual(Buffer.from('k'));
    expect(s.creates[0].range_end).toBeUndefined();
    s.created('1', 4);
    await starting;
    s.events('1', 6, [['Put', 'k', 6, 'a whole value']]);
    await f.until(() => f.updates.length === 1, 'the update');
    expect(f.updates[0].changes[0]).toMatchObject({ value: text('a whole value'), size: 13 });
    expect(f.updates[0].changes[0].preview).toBeUndefined();
    f.feed.close();
  });
});
