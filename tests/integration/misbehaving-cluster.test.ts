/**
 * A three-member cluster that misbehaves, driven through the app's own handlers: a hung member,
 * a follower and a leader killed under write load, lost quorum, and a member behind a TCP proxy
 * that adds latency or cuts an answer. Members run with a 100 ms heartbeat and a 1 s election
 * timeout, so a loaded 2-core machine does not cause spurious elections; where a term changed
 * anyway, the checks are about truthfulness (acknowledged = applied, unknown = reported).
 */
import { text } from '../../src/shared/bytes';
import type { AppError } from '../../src/shared/result';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { faultProxy } from '../support/fault-proxy';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';

const DEADLINE = 2000;
const TIMING = ['--heartbeat-interval', '100', '--election-timeout', '1000'];
/** What a loaded machine adds to a call's deadline (event loop, process scheduling). */
const SLACK = 500;

let h: Harness;
let etcd: EtcdCluster | undefined;
const stopped = new Set<number>();

beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  // A SIGSTOPped member must be continued before it can be killed and reaped.
  for (const pid of stopped) signal(pid, 'SIGCONT');
  stopped.clear();
  await h.close();
  await etcd?.close();
  etcd = undefined;
});

function signal(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) throw new Error('member is not running');
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function cluster(): Promise<EtcdCluster> {
  etcd = await startCluster({ members: 3, extraArgs: TIMING, startTimeoutMs: 30_000 });
  return etcd;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - t) };
}

/** etcdctl's view of a key: its value, or undefined when absent. */
async function stored(e: EtcdCluster, key: string): Promise<string | undefined> {
  const r = await e.etcdctl(['get', key, '--print-value-only']);
  if (r.code !== 0) throw new Error(`etcdctl get failed: ${r.stderr}`);
  return r.stdout === '' ? undefined : r.stdout.replace(/\n$/, '');
}

/** All keys under a prefix with their values, one etcdctl call. */
async function storedUnder(e: EtcdCluster, prefix: string): Promise<Map<string, string>> {
  const r = await e.etcdctl(['get', prefix, '--prefix']);
  if (r.code !== 0) throw new Error(`etcdctl get failed: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l, i, a) => !(l === '' && i === a.length - 1));
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < lines.length; i += 2) out.set(lines[i], lines[i + 1]);
  return out;
}

interface WriteLog {
  key: string;
  value: string;
  at: number;
  ms: number;
  ok: boolean;
  error?: AppError;
}

/** `loops` concurrent put loops until `stop()`; every outcome is logged. */
function writeLoad(profileId: string, prefix: string, loops: number) {
  const log: WriteLog[] = [];
  let running = true;
  const done = Promise.all(
    Array.from({ length: loops }, async (_, l) => {
      for (let i = 0; running; i++) {
        const key = `${prefix}/${l}/${String(i).padStart(5, '0')}`;
        const value = `v-${l}-${i}`;
        const at = performance.now();
        const r = await h.handlers['kv:put']({ profileId, key: text(key), value: text(value) });
        log.push({ key, value, at, ms: Math.round(performance.now() - at), ok: r.ok, ...(r.ok ? {} : { error: r.error }) });
      }
    }),
  );
  return {
    log,
    /** Resolves once `n` more writes were acknowledged. */
    async acked(n: number) {
      const target = log.filter((w) => w.ok).length + n;
      await expect.poll(() => log.filter((w) => w.ok).length, { timeout: 20_000, interval: 5 }).toBeGreaterThanOrEqual(target);
    },
    async stop() {
      running = false;
      await done;
    },
  };
}

describe('one hung member (SIGSTOP) among two healthy ones', () => {
  it('200 reads and 200 writes all succeed within the deadline; the status stays connected', async () => {
    const e = await cluster();
    const id = await h.connect({ name: 'hung', endpoints: e.endpoints, deadlineMs: DEADLINE });
    const leader = await e.leaderIndex();
    const hung = (leader + 1) % 3;
    unwrap(await h.handlers['kv:put']({ profileId: id, key: text('hung/seed'), value: text('x') }));
    const statusesBefore = h.statuses(id).length;
    signal(e.members[hung].pid, 'SIGSTOP');
    stopped.add(e.members[hung].pid!);

    const reads: number[] = [];
    const writes: number[] = [];
    for (let i = 0; i < 200; i++) {
      const w = await timed(() => h.handlers['kv:put']({ profileId: id, key: text(`hung/${i}`), value: text(`v${i}`) }));
      expect(w.value.ok, JSON.stringify(w.value)).toBe(true);
      writes.push(w.ms);
      const r = await timed(() => h.handlers['kv:get']({ profileId: id, key: text(`hung/${i}`) }));
      expect(unwrap(r.value).value).toEqual(text(`v${i}`));
      reads.push(r.ms);
    }
    const max = (xs: number[]) => Math.max(...xs);
    const slow = (xs: number[]) => xs.filter((x) => x > 100).length;
    console.log(
      `hung member: 200 writes (max ${max(writes)} ms, ${slow(writes)} over 100 ms), 200 reads (max ${max(reads)} ms, ${slow(reads)} over 100 ms); deadline ${DEADLINE} ms`,
    );
    expect(max(writes)).toBeLessThan(DEADLINE + SLACK);
    expect(max(reads)).toBeLessThan(DEADLINE + SLACK);
    // Not once unreachable; degraded at most ("2 of 3 members").
    const after = h.statuses(id).slice(statusesBefore);
    expect(after.filter((s) => s.state !== 'connected').map((s) => `${s.state} ${s.error?.code}`)).toEqual([]);
    expect(unwrap(await h.handlers['connection:status']({ profileId: id })).state).toBe('connected');
    const values = await storedUnder(e, 'hung/');
    expect(values.size).toBe(201);
  });
});

describe('a follower SIGKILLed during 4 concurrent write loops', () => {
  it('no write fails and none is unknown; every acknowledged write is in etcd', async () => {
    const e = await cluster();
    const id = await h.connect({ name: 'follower', endpoints: e.endpoints, deadlineMs: DEADLINE });
    const leader = await e.leaderIndex();
    const follower = (leader + 1) % 3;
    const load = writeLoad(id, 'fk', 4);
    await load.acked(100);
    const killedAt = performance.now();
    await e.kill(follower);
    await load.acked(200);
    await load.stop();
    const after = load.log.filter((w) => w.at >= killedAt);
    const failed = load.log.filter((w) => !w.ok);
    const unknown = failed.filter((w) => w.error?.code === 'OUTCOME_UNKNOWN');
    const maxAfter = Math.max(...after.map((w) => w.ms));
    console.log(
      `follower kill: ${load.log.length} writes (${after.length} after the kill, slowest ${maxAfter} ms), ${failed.length} failed, ${unknown.length} OUTCOME_UNKNOWN`,
    );
    expect(failed.map((w) => `${w.key}: ${w.error?.code} ${w.error?.message}`)).toEqual([]);
    const values = await storedUnder(e, 'fk/');
    for (const w of load.log) expect(values.get(w.key), w.key).toBe(w.value);
  });
});

describe('the leader SIGKILLed during 4 concurrent write loops', () => {
  it('acknowledged writes are applied, unknown ones are reported, failed ones are not applied; writes resume after the election', async () => {
    const e = await cluster();
    const id = await h.connect({ name: 'leader', endpoints: e.endpoints, deadlineMs: DEADLINE });
    const leader = await e.leaderIndex();
    const load = writeLoad(id, 'lk', 4);
    await load.acked(100);
    const killedAt = performance.now();
    await e.kill(leader);
    // The new leader's election, as the survivors report it (polled every 20 ms by etcdctl).
    const survivors = e.endpoints.filter((_, i) => i !== leader);
    let electedAt = 0;
    await expect
      .poll(
        async () => {
          const r = await e.etcdctl(['endpoint', 'status', '-w', 'fields'], { endpoints: survivors, timeoutMs: 3000 });
          const leaders = [...r.stdout.matchAll(/"Leader" : (\d+)/g)].map((m) => m[1]);
          const ids = [...r.stdout.matchAll(/"MemberID" : (\d+)/g)].map((m) => m[1]);
          const ok = leaders.length === 2 && leaders[0] === leaders[1] && ids.includes(leaders[0]);
          if (ok && !electedAt) electedAt = performance.now();
          return ok;
        },
        { timeout: 15_000, interval: 20 },
      )
      .toBe(true);
    await load.acked(100);
    await load.stop();

    const values = await storedUnder(e, 'lk/');
    const acked = load.log.filter((w) => w.ok);
    const unknown = load.log.filter((w) => w.error?.code === 'OUTCOME_UNKNOWN');
    const failed = load.log.filter((w) => !w.ok && w.error?.code !== 'OUTCOME_UNKNOWN');
    for (const w of acked) expect(values.get(w.key), `acknowledged ${w.key}`).toBe(w.value);
    for (const w of failed) expect(values.get(w.key), `reported failed (${w.error?.code}) but applied: ${w.key}`).toBeUndefined();
    const unknownApplied = unknown.filter((w) => values.get(w.key) === w.value).length;
    const firstAfterElection = acked.filter((w) => w.at + w.ms >= electedAt).sort((a, b) => a.at + a.ms - (b.at + b.ms))[0];
    const lastBeforeKill = Math.max(...acked.filter((w) => w.at < killedAt).map((w) => w.at + w.ms));
    const resumeAfterElection = Math.round(firstAfterElection.at + firstAfterElection.ms - electedAt);
    const stall = Math.round(firstAfterElection.at + firstAfterElection.ms - lastBeforeKill);
    console.log(
      `leader kill: ${load.log.length} writes, ${acked.length} acknowledged (all in etcd), ${unknown.length} OUTCOME_UNKNOWN (${unknownApplied} applied, ${unknown.length - unknownApplied} not), ${failed.length} failed (none applied: ${failed.map((w) => w.error?.code).join(',') || '-'}); election ${Math.round(electedAt - killedAt)} ms after the kill; first write acknowledged ${resumeAfterElection} ms after the election (stall ${stall} ms)`,
    );
    for (const w of unknown) expect(w.error?.message).toMatch(/may or may not have been applied/);
    // Within 1.5 s of the election, plus the 20 ms poll and a loaded machine's slack.
    expect(resumeAfterElection).toBeLessThan(1500 + SLACK);
  });
});

describe('two of three members down (no quorum)', () => {
  it('calls fail within the deadline with NO_QUORUM or OUTCOME_UNKNOWN and say so; the same session recovers when quorum is back', async () => {
    const e = await cluster();
    const id = await h.connect({ name: 'quorum', endpoints: e.endpoints, deadlineMs: DEADLINE });
    unwrap(await h.handlers['kv:put']({ profileId: id, key: text('q/seed'), value: text('x') }));
    const leader = await e.leaderIndex();
    const down = [(leader + 1) % 3, (leader + 2) % 3];
    for (const i of down) await e.kill(i);

    const results: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await timed(() => h.handlers['kv:get']({ profileId: id, key: text('q/seed') }));
      const err = errorOf(r.value);
      results.push(`get ${r.ms} ms ${err.code}`);
      expect(err.code).toBe('NO_QUORUM');
      expect(err.message).toMatch(/no quorum: 1 of 3 members answered/);
      expect(r.ms).toBeLessThan(DEADLINE + SLACK);
      const w = await timed(() => h.handlers['kv:put']({ profileId: id, key: text(`q/${i}`), value: text('y') }));
      const werr = errorOf(w.value);
      results.push(`put ${w.ms} ms ${werr.code}`);
      expect(['NO_QUORUM', 'OUTCOME_UNKNOWN']).toContain(werr.code);
      expect(werr.message).toMatch(/quorum/);
      expect(werr.message).toMatch(/1 of 3 members answered/);
      expect(w.ms).toBeLessThan(DEADLINE + SLACK);
    }
    console.log(`no quorum: ${results.join('; ')}`);

    await e.restart(down[0]); // resolves when the member is healthy: quorum is back
    const back = performance.now();
    let firstRead = 0;
    let firstWrite = 0;
    await expect
      .poll(
        async () => {
          if (!firstRead && (await h.handlers['kv:get']({ profileId: id, key: text('q/seed') })).ok) firstRead = performance.now() - back;
          if (!firstWrite && (await h.handlers['kv:put']({ profileId: id, key: text('q/back'), value: text('z') })).ok) firstWrite = performance.now() - back;
          return firstRead > 0 && firstWrite > 0;
        },
        { timeout: 10_000, interval: 10 },
      )
      .toBe(true);
    console.log(`quorum back: first read after ${Math.round(firstRead)} ms, first write after ${Math.round(firstWrite)} ms`);
    expect(Math.max(firstRead, firstWrite)).toBeLessThan(1000 + SLACK);
    expect(await stored(e, 'q/back')).toBe('z');
  });
});

describe('a TCP proxy in front of one member', () => {
  it('200 ms of added latency: every call succeeds within the deadline', async () => {
    const e = await cluster();
    const leader = await e.leaderIndex();
    // In front of the leader: writes cross the slow path too.
    const proxy = await faultProxy(e.endpoints[leader]);
    try {
      const endpoints = e.endpoints.map((ep, i) => (i === leader ? proxy.endpoint : ep));
      const id = await h.connect({ name: 'slow', endpoints, deadlineMs: DEADLINE });
      proxy.setLatency(200);
      const ms: number[] = [];
      for (let i = 0; i < 20; i++) {
        const w = await timed(() => h.handlers['kv:put']({ profileId: id, key: text(`slow/${i}`), value: text(`v${i}`) }));
        expect(w.value.ok, JSON.stringify(w.value)).toBe(true);
        const r = await timed(() => h.handlers['kv:get']({ profileId: id, key: text(`slow/${i}`) }));
        expect(unwrap(r.value).value).toEqual(text(`v${i}`));
        ms.push(w.ms, r.ms);
      }
      console.log(`200 ms proxy: 20 writes + 20 reads, slowest ${Math.max(...ms)} ms (deadline ${DEADLINE} ms)`);
      expect(Math.max(...ms)).toBeLessThan(DEADLINE);
    } finally {
      await proxy.close();
    }
  });

  it('a connection cut mid-answer: reads retry on another member, a write that was sent is OUTCOME_UNKNOWN', async () => {
    const e = await cluster();
    const leader = await e.leaderIndex();
    const proxy = await faultProxy(e.endpoints[leader]);
    try {
      const endpoints = e.endpoints.map((ep, i) => (i === leader ? proxy.endpoint : ep));
      const id = await h.connect({ name: 'cut', endpoints, deadlineMs: DEADLINE });
      unwrap(await h.handlers['kv:put']({ profileId: id, key: text('cut/r'), value: text('read me') }));
      // An existing key: the put's first (conditional) txn is the one that writes.
      unwrap(await h.handlers['kv:put']({ profileId: id, key: text('cut/w'), value: text('before') }));

      // Writes go to the leader, behind the proxy: the answer is cut after etcd applied it.
      void proxy.dropNextResponse();
      const w = await h.handlers['kv:put']({ profileId: id, key: text('cut/w'), value: text('sent') });
      const werr = errorOf(w);
      expect(werr.code).toBe('OUTCOME_UNKNOWN');
      expect(await stored(e, 'cut/w')).toBe('sent');
      expect(proxy.drops).toBe(1);

      // Reads: several, each with a cut armed; whichever reaches the proxied member is retried elsewhere.
      const before = proxy.drops;
      for (let i = 0; i < 9; i++) {
        void proxy.dropNextResponse();
        const r = await h.handlers['kv:get']({ profileId: id, key: text('cut/r') });
        expect(unwrap(r).value).toEqual(text('read me'));
      }
      console.log(`cut mid-answer: write -> ${werr.code} (applied), 9 reads all answered, ${proxy.drops - before} of them cut and retried on another member`);
      expect(proxy.drops - before).toBeGreaterThan(0);

      // The path to the leader refused outright: that write never left, so it is a plain failure.
      await proxy.close();
      const refused = errorOf(await h.handlers['kv:put']({ profileId: id, key: text('cut/w'), value: text('never sent') }));
      console.log(`leader's path refused: put -> ${refused.code}: ${refused.message}`);
      expect(refused.code).not.toBe('OUTCOME_UNKNOWN');
      expect(await stored(e, 'cut/w')).toBe('sent');
    } finally {
      await proxy.close();
    }
  });
});
