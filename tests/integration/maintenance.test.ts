/**
 * Maintenance through the real handlers on real etcd: compact, snapshot (file checked by
 * etcdctl), defragment of a 3-member cluster (followers first, the leader last), HashKV, leader
 * transfer, and the NOSPACE recovery (compact, defragment every member, disarm).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addUserWithRole, startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { jobEnd, jobProgress } from '../support/jobs';
import { text } from '../../src/shared/bytes';
import type { DefragReport, SnapshotReport } from '../../src/shared/maintenance-reports';
import type { ClusterStatus, JobInfo } from '../../src/shared/types';

const DEADLINE = 2000;

let h: Harness;
let dir: string;
beforeEach(async () => {
  h = await createHarness();
  dir = await mkdtemp(join(tmpdir(), 'etcd-maint-'));
});
afterEach(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

const connect = (etcd: EtcdCluster, name: string) => h.connect({ name, endpoints: etcd.endpoints, deadlineMs: DEADLINE });
const put = async (profileId: string, key: string, value: string) => unwrap(await h.handlers['kv:put']({ profileId, key: text(key), value: text(value) }));
const status = async (profileId: string): Promise<ClusterStatus> => unwrap(await h.handlers['cluster:status']({ profileId }));

/** The hex member id of member i, as the cluster view shows it. */
async function memberIdOf(profileId: string, etcd: EtcdCluster, i: number): Promise<string> {
  const st = await status(profileId);
  const id = st.endpoints.find((e) => e.endpoint === etcd.endpoints[i])?.memberId;
  if (!id) throw new Error(`no member id for ${etcd.endpoints[i]}`);
  return id;
}

/** Every job event of one job, in order. */
const jobEvents = (jobId: string): JobInfo[] => h.events.filter((e) => e.event === 'event:job').map((e) => e.payload as JobInfo).filter((j) => j.jobId === jobId);

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - t) };
}

describe('one member', () => {
  let etcd: EtcdCluster;
  beforeAll(async () => {
    etcd = await startCluster({ members: 1 });
  });
  afterAll(async () => {
    await etcd?.close();
  });

  it('compacts up to a revision; refuses a future or an already compacted one; compacted history reads say COMPACTED', async () => {
    const profileId = await connect(etcd, 'compact');
    const first = await put(profileId, 'c/k', 'v1');
    await put(profileId, 'c/k', 'v2');
    const third = await put(profileId, 'c/k', 'v3');
    // Before: the old version is readable.
    expect(unwrap(await h.handlers['history:get']({ profileId, key: text('c/k'), revision: first.revision })).value.data).toBe('v1');

    const future = await h.handlers['maintenance:compact']({ profileId, revision: third.revision + 1000 });
    expect(errorOf(future).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(future).message).toMatch(/newer than the cluster's current revision/);

    const done = unwrap(await h.handlers['maintenance:compact']({ profileId, revision: third.revision, physical: true }));
    expect(done).toMatchObject({ revision: third.revision, current: third.revision, physical: true });
    // etcdctl agrees that history before it is gone.
    const old = await etcd.etcdctl(['get', 'c/k', `--rev=${first.revision}`]);
    expect(old.code).not.toBe(0);
    expect(old.stderr).toMatch(/compacted/);

    // A following history read of a compacted revision.
    const read = await h.handlers['history:get']({ profileId, key: text('c/k'), revision: first.revision });
    expect(errorOf(read).code).toBe('COMPACTED');
    const page = await h.handlers['kv:list']({ profileId, prefix: text('c/'), limit: 10, revision: first.revision });
    expect(errorOf(page).code).toBe('COMPACTED');
    // The current version is still there.
    expect(unwrap(await h.handlers['kv:get']({ profileId, key: text('c/k') })).value.data).toBe('v3');

    // At or below the compacted revision: refused, with its own code.
    for (const revision of [third.revision, first.revision]) {
      const again = await h.handlers['maintenance:compact']({ profileId, revision });
      expect(errorOf(again).code).toBe('COMPACTED');
      expect(errorOf(again).message).toMatch(new RegExp(`already compacted up to revision ${third.revision}`));
    }
  });

  it('is covered by the write gate (compact, defragment, disarm, move leader refused; snapshot, alarms, hashkv allowed)', async () => {
    await h.close();
    h = await createHarness({ writePolicy: { check: ({ channel }) => ({ code: 'READ_ONLY', message: `refused ${channel}` }) } });
    const profileId = await connect(etcd, 'gated');
    const rev = (await etcd.etcdctl(['put', 'gate/k', 'v'])).code;
    expect(rev).toBe(0);
    const id = await memberIdOf(profileId, etcd, 0);
    expect(errorOf(await h.handlers['maintenance:compact']({ profileId, revision: 1 })).code).toBe('READ_ONLY');
    expect(errorOf(await h.handlers['maintenance:defragment']({ profileId, target: 'all' })).code).toBe('READ_ONLY');
    expect(errorOf(await h.handlers['maintenance:disarm']({ profileId })).code).toBe('READ_ONLY');
    expect(errorOf(await h.handlers['maintenance:moveLeader']({ profileId, targetMemberId: id })).code).toBe('READ_ONLY');
    expect(unwrap(await h.handlers['maintenance:alarms']({ profileId })).alarms).toEqual([]);
    expect(unwrap(await h.handlers['maintenance:hashKv']({ profileId })).agree).toBe(true);
    const job = unwrap(await h.handlers['maintenance:snapshot']({ profileId, memberId: id, path: join(dir, 'gated.db') }));
    expect((await jobEnd(h, job.jobId)).state).toBe('done');
  });

  it('saves a snapshot that etcdctl accepts, with progress in bytes and its sha256; a cancelled one leaves no file', async () => {
    const profileId = await connect(etcd, 'snapshot');
    // About 3 MiB, so the stream takes many chunks.
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 48; i++) await put(profileId, `snap/${i}`, big);
    const memberId = await memberIdOf(profileId, etcd, 0);
    const path = join(dir, 'member.snapshot.db');

    const { value: end, ms } = await timed(async () => {
      const job = unwrap(await h.handlers['maintenance:snapshot']({ profileId, memberId, path }));
      expect(job.kind).toBe('snapshot');
      return jobEnd(h, job.jobId);
    });
    expect(end.state, JSON.stringify(end.error)).toBe('done');
    const report = end.report as SnapshotReport;
    const file = await readFile(path);
    console.log(`snapshot: ${file.length} bytes in ${ms} ms, ${jobEvents(end.jobId).length} job events`);
    expect(report).toMatchObject({ kind: 'snapshot', complete: true, path, memberId, endpoint: etcd.endpoints[0], bytes: file.length });
    expect(report.sha256).toBe(createHash('sha256').update(file).digest('hex'));
    expect(file.length).toBeGreaterThan(3 * 1024 * 1024);
    // Progress in bytes, growing, up to the whole file.
    const progress = jobEvents(end.jobId).flatMap((j) => (j.progress ? [j.progress] : []));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ done: file.length, total: file.length });
    for (let i = 1; i < progress.length; i++) expect(progress[i].done).toBeGreaterThanOrEqual(progress[i - 1].done);
    // etcdctl reads it as a valid snapshot holding our keys.
    const st = await etcd.etcdctl(['snapshot', 'status', path, '-w', 'json']);
    expect(st.code, st.stderr).toBe(0);
    const parsed = JSON.parse(st.stdout) as { totalKey: number; totalSize: number; revision: number };
    expect(parsed.totalKey).toBeGreaterThanOrEqual(48);
    expect(parsed.revision).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual(['member.snapshot.db']);

    // Cancelled at its first progress event: no file, no temporary file.
    const cancelledPath = join(dir, 'cancelled.db');
    const job = unwrap(await h.handlers['maintenance:snapshot']({ profileId, memberId, path: cancelledPath }));
    const first = await jobProgress(h, job.jobId, 1);
    expect(first.progress!.done).toBeLessThan(first.progress!.total!);
    unwrap(await h.handlers['jobs:cancel']({ profileId, jobId: job.jobId }));
    const cancelled = await jobEnd(h, job.jobId);
    expect(cancelled.state).toBe('cancelled');
    expect((cancelled.report as SnapshotReport).complete).toBe(false);
    expect((cancelled.report as SnapshotReport).bytes).toBeLessThan(file.length);
    expect(await readdir(dir)).toEqual(['member.snapshot.db']);

    // A member that is none of the profile's endpoints, a path that cannot be written.
    expect(errorOf(await h.handlers['maintenance:snapshot']({ profileId, memberId: 'abc', path: join(dir, 'x.db') })).code).toBe('NOT_FOUND');
    expect(errorOf(await h.handlers['maintenance:snapshot']({ profileId, memberId, path: join(dir, 'missing', 'x.db') })).details?.field).toBe('path');
    expect(errorOf(await h.handlers['maintenance:snapshot']({ profileId, memberId, path: 'relative.db' })).code).toBe('INVALID_ARGUMENT');
    expect(await readdir(dir)).toEqual(['member.snapshot.db']);
  });
});

describe('three members', () => {
  let etcd: EtcdCluster;
  beforeAll(async () => {
    etcd = await startCluster({ members: 3 });
  });
  afterAll(async () => {
    await etcd?.close();
  });
  afterEach(async () => {
    for (let i = 0; i < etcd.members.length; i++) if (etcd.members[i].pid === undefined) await etcd.restart(i);
    await etcd.waitHealthy();
    await etcd.leaderIndex(10_000);
  });

  it('defragments every member one at a time, followers first and the leader last, with sizes before and after', async () => {
    const profileId = await connect(etcd, 'defrag all');
    // Free pages to give back: values written, overwritten, then compacted away.
    const big = 'y'.repeat(64 * 1024);
    for (let i = 0; i < 40; i++) await put(profileId, `d/${i % 4}`, big);
    const last = await put(profileId, 'd/last', 'v');
    unwrap(await h.handlers['maintenance:compact']({ profileId, revision: last.revision, physical: true }));
    const leader = await etcd.leaderIndex();
    const leaderEndpoint = etcd.endpoints[leader];

    const { value: end, ms } = await timed(async () => jobEnd(h, unwrap(await h.handlers['maintenance:defragment']({ profileId, target: 'all' })).jobId));
    expect(end.state, JSON.stringify(end.error)).toBe('done');
    const report = end.report as DefragReport;
    console.log(
      `defragment all: ${ms} ms; ` +
        report.members.map((m) => `${m.role} ${m.endpoint} ${m.before?.dbSize}→${m.after?.dbSize} (in use ${m.before?.dbSizeInUse}→${m.after?.dbSizeInUse}) ${m.ms} ms`).join('; '),
    );
    expect(report.members.map((m) => m.role)).toEqual(['follower', 'follower', 'leader']);
    expect(report.members.at(-1)!.endpoint).toBe(leaderEndpoint);
    expect(new Set(report.members.map((m) => m.endpoint))).toEqual(new Set(etcd.endpoints));
    for (const m of report.members) {
      expect(m.state).toBe('done');
      expect(m.before!.dbSize).toBeGreaterThan(0);
      expect(m.after!.dbSize).toBeLessThan(m.before!.dbSize);
      expect(m.after!.dbSizeInUse).toBeLessThanOrEqual(m.after!.dbSize);
    }
    // Progress named each member in the report's order, one at a time.
    const phases = jobEvents(end.jobId).flatMap((j) => (j.progress?.phase?.startsWith('defragmenting') ? [j.progress.phase] : []));
    expect(phases).toEqual(report.members.map((m) => `defragmenting ${m.endpoint.replace(/^https?:\/\//, '')} (${m.role})`));
    // What etcd itself says now.
    const after = await status(profileId);
    for (const m of report.members) expect(after.endpoints.find((e) => e.endpoint === m.endpoint)?.dbSize).toBe(m.after!.dbSize);
  });

  it('defragments one chosen member only', async () => {
    const profileId = await connect(etcd, 'defrag one');
    const follower = ((await etcd.leaderIndex()) + 1) % 3;
    const id = await memberIdOf(profileId, etcd, follower);
    const end = await jobEnd(h, unwrap(await h.handlers['maintenance:defragment']({ profileId, target: id })).jobId);
    expect(end.state, JSON.stringify(end.error)).toBe('done');
    expect((end.report as DefragReport).members).toEqual([expect.objectContaining({ memberId: id, endpoint: etcd.endpoints[follower], role: 'follower', state: 'done' })]);
    expect(errorOf(await h.handlers['maintenance:defragment']({ profileId, target: 'abc' })).code).toBe('NOT_FOUND');
  });

  it('refuses to defragment while a member is down, touching none', async () => {
    const profileId = await connect(etcd, 'defrag refused');
    const follower = ((await etcd.leaderIndex()) + 2) % 3;
    await etcd.kill(follower);
    // Refused before any job starts, for all members and for one healthy member alike.
    const all = errorOf(await h.handlers['maintenance:defragment']({ profileId, target: 'all' }));
    expect(all.code).toBe('UNAVAILABLE');
    expect(all.message).toMatch(/Not every member is healthy/);
    expect(all.message).toContain(etcd.endpoints[follower].replace('http://', ''));
    const leaderId = await memberIdOf(profileId, etcd, await etcd.leaderIndex());
    expect(errorOf(await h.handlers['maintenance:defragment']({ profileId, target: leaderId })).code).toBe('UNAVAILABLE');
    expect(h.events.some((e) => e.event === 'event:job')).toBe(false);
  });

  it('stops at the first member that fails or goes down: the leader is not touched', async () => {
    const profileId = await connect(etcd, 'defrag stops');
    const leaderEndpoint = etcd.endpoints[await etcd.leaderIndex()];
    let killed: Promise<void> | undefined;
    let victim = -1;
    // When the first follower starts, the other follower dies.
    const off = h.onEvent((event, payload) => {
      const j = payload as JobInfo;
      if (event !== 'event:job' || killed || !j.progress?.phase?.startsWith('defragmenting')) return;
      const first = etcd.endpoints.findIndex((e) => j.progress!.phase!.includes(e.replace('http://', '')));
      victim = [0, 1, 2].find((i) => i !== first && etcd.endpoints[i] !== leaderEndpoint)!;
      killed = etcd.kill(victim);
    });
    const end = await jobEnd(h, unwrap(await h.handlers['maintenance:defragment']({ profileId, target: 'all' })).jobId);
    off();
    await killed;
    expect(end.state).toBe('failed');
    const rows = (end.report as DefragReport).members;
    expect(rows.map((m) => m.role)).toEqual(['follower', 'follower', 'leader']);
    expect(rows[0].state).toBe('done');
    expect(rows[1].endpoint).toBe(etcd.endpoints[victim]);
    expect(rows[1].state).not.toBe('done');
    expect(rows[2]).toMatchObject({ endpoint: leaderEndpoint, state: 'not-attempted' });
    expect(rows[2].before).toBeUndefined();
    expect(end.error?.code).toMatch(/UNAVAILABLE|TIMEOUT/);
  });

  it('HashKV from each member at one revision: all agree', async () => {
    const profileId = await connect(etcd, 'hashkv');
    const w = await put(profileId, 'hk/a', '1');
    await put(profileId, 'hk/b', '2');
    const r = unwrap(await h.handlers['maintenance:hashKv']({ profileId, revision: w.revision }));
    expect(r.revision).toBe(w.revision);
    expect(r.members.map((m) => m.endpoint).sort()).toEqual([...etcd.endpoints].sort());
    expect(new Set(r.members.map((m) => m.memberId)).size).toBe(3);
    expect(r.agree).toBe(true);
    // A later revision hashes differently (hk/b is in it).
    const latest = unwrap(await h.handlers['maintenance:hashKv']({ profileId }));
    expect(latest.agree).toBe(true);
    expect(latest.revision).toBeGreaterThan(w.revision);
    expect(latest.members[0].hash).not.toBe(r.members[0].hash);
    // etcdctl's own hash of one member at that revision is the same.
    const ctl = await etcd.etcdctl(['endpoint', 'hashkv', `--rev=${w.revision}`, '-w', 'fields'], { endpoints: [etcd.endpoints[0]] });
    expect(ctl.code, ctl.stderr).toBe(0);
    expect(Number(/"Hash" : (\d+)/.exec(ctl.stdout)?.[1])).toBe(r.members.find((m) => m.endpoint === etcd.endpoints[0])!.hash);
    expect(errorOf(await h.handlers['maintenance:hashKv']({ profileId, revision: latest.revision + 100 })).code).toBe('INVALID_ARGUMENT');
  });

  it('moves the leadership to a chosen member', async () => {
    const profileId = await connect(etcd, 'move leader');
    const leader = await etcd.leaderIndex();
    const target = (leader + 1) % 3;
    const targetId = await memberIdOf(profileId, etcd, target);
    const leaderId = await memberIdOf(profileId, etcd, leader);
    const r = unwrap(await h.handlers['maintenance:moveLeader']({ profileId, targetMemberId: targetId }));
    expect(r).toEqual({ previousLeaderId: leaderId, leaderId: targetId });
    expect(await etcd.leaderIndex()).toBe(target);
    // Moving to the leader itself changes nothing; an unknown member is refused.
    expect(unwrap(await h.handlers['maintenance:moveLeader']({ profileId, targetMemberId: targetId }))).toEqual({ previousLeaderId: targetId, leaderId: targetId });
    expect(errorOf(await h.handlers['maintenance:moveLeader']({ profileId, targetMemberId: 'abc' })).code).toBe('NOT_FOUND');
    // Writes go on.
    await put(profileId, 'ml/k', 'v');
  });

  it('saves a snapshot of a chosen follower', async () => {
    const profileId = await connect(etcd, 'snapshot follower');
    await put(profileId, 'sf/k', 'v');
    const follower = ((await etcd.leaderIndex()) + 1) % 3;
    const memberId = await memberIdOf(profileId, etcd, follower);
    const path = join(dir, 'follower.db');
    const end = await jobEnd(h, unwrap(await h.handlers['maintenance:snapshot']({ profileId, memberId, path })).jobId);
    expect(end.state, JSON.stringify(end.error)).toBe('done');
    expect(end.report).toMatchObject({ endpoint: etcd.endpoints[follower], memberId, complete: true });
    const st = await etcd.etcdctl(['snapshot', 'status', path, '-w', 'json']);
    expect(st.code, st.stderr).toBe(0);
  });
});

describe('out of space', () => {
  it('NOSPACE on 3 members: compact, defragment every member, disarm → writable again', async () => {
    const quota = 2 * 1024 * 1024;
    const small = await startCluster({ members: 3, extraArgs: ['--quota-backend-bytes', String(quota)] });
    try {
      const profileId = await connect(small, 'nospace');
      expect(unwrap(await h.handlers['maintenance:alarms']({ profileId })).alarms).toEqual([]);
      // Overwrite four keys with 64 KiB values until etcd refuses: the space is all old revisions.
      const big = text('z'.repeat(64 * 1024));
      const t = performance.now();
      let refused;
      for (let i = 0; i < 400 && !refused; i++) {
        const r = await h.handlers['kv:put']({ profileId, key: text(`fill/${i % 4}`), value: big });
        if (!r.ok) refused = r.error;
      }
      expect(refused?.message).toMatch(/NOSPACE/);
      const fillMs = Math.round(performance.now() - t);

      const list = unwrap(await h.handlers['maintenance:alarms']({ profileId }));
      expect(list.alarms.length).toBeGreaterThan(0);
      expect(list.alarms.every((a) => a.alarm === 'NOSPACE')).toBe(true);
      expect(list.members.map((m) => m.reachable)).toEqual([true, true, true]);
      // Members report their own alarms in their Status (read apart from the cluster's list, so
      // an alarm raised meanwhile may be in one and not yet in the other).
      expect(list.members.some((m) => m.alarms.includes('NOSPACE'))).toBe(true);
      expect(list.members.every((m) => m.alarms.every((a) => a === 'NOSPACE'))).toBe(true);
      expect(list.alarms.every((a) => list.members.some((m) => m.memberId === a.memberId))).toBe(true);
      expect((await small.etcdctl(['alarm', 'list'])).stdout).toMatch(/alarm:NOSPACE/);

      // 1. compact everything but the live versions.
      const { current } = unwrap(await h.handlers['history:bounds']({ profileId }));
      unwrap(await h.handlers['maintenance:compact']({ profileId, revision: current, physical: true }));
      // 2. defragment every member.
      const end = await jobEnd(h, unwrap(await h.handlers['maintenance:defragment']({ profileId, target: 'all' })).jobId);
      expect(end.state, JSON.stringify(end.error)).toBe('done');
      const report = end.report as DefragReport;
      expect(report.members.map((m) => m.role)).toEqual(['follower', 'follower', 'leader']);
      for (const m of report.members) {
        expect(m.before!.dbSize).toBeGreaterThanOrEqual(quota * 0.9);
        expect(m.after!.dbSize).toBeLessThan(quota / 2);
      }
      // The alarm stays until it is disarmed: still refused.
      const before = await h.handlers['kv:put']({ profileId, key: text('after/1'), value: text('v') });
      expect(errorOf(before).message).toMatch(/NOSPACE/);
      // 3. disarm (every alarm: a member that applied the last refused write may have raised its own since the list above).
      const active = unwrap(await h.handlers['maintenance:alarms']({ profileId })).alarms;
      const disarmed = unwrap(await h.handlers['maintenance:disarm']({ profileId }));
      expect(disarmed.disarmed.map((a) => `${a.memberId}/${a.alarm}`).sort()).toEqual(active.map((a) => `${a.memberId}/${a.alarm}`).sort());
      for (const a of list.alarms) expect(disarmed.disarmed).toContainEqual(a);
      expect(disarmed.remaining).toEqual([]);
      // Writable again.
      const w = unwrap(await h.handlers['kv:put']({ profileId, key: text('after/2'), value: big }));
      expect(w.revision).toBeGreaterThan(current);
      expect(unwrap(await h.handlers['maintenance:alarms']({ profileId })).alarms).toEqual([]);
      expect((await small.etcdctl(['alarm', 'list'])).stdout.trim()).toBe('');
      console.log(
        `nospace recovery: quota ${quota} bytes reached in ${fillMs} ms; ${list.alarms.length} alarm(s); ` +
          report.members.map((m) => `${m.role} ${m.before!.dbSize}→${m.after!.dbSize}`).join(', '),
      );
    } finally {
      await small.close();
    }
  });
});

describe('with auth', () => {
  it('a root user saves a snapshot and defragments (the stream carries the login); a user without root is refused PERMISSION_DENIED', async () => {
    const secured = await startCluster({ auth: { rootPassword: 'rootpw' } });
    try {
      await addUserWithRole(secured, { user: 'reader', password: 'readerpw', role: 'pub-reader', readPrefix: 'pub/' });
      const root = await h.connect({ name: 'root', endpoints: secured.endpoints, username: 'root', password: 'rootpw', deadlineMs: DEADLINE });
      const reader = await h.connect({ name: 'reader', endpoints: secured.endpoints, username: 'reader', password: 'readerpw', deadlineMs: DEADLINE });
      const memberId = await memberIdOf(root, secured, 0);
      const path = join(dir, 'auth.db');
      const done = await jobEnd(h, unwrap(await h.handlers['maintenance:snapshot']({ profileId: root, memberId, path })).jobId);
      expect(done.state, JSON.stringify(done.error)).toBe('done');
      expect((await secured.etcdctl(['snapshot', 'status', path, '-w', 'json'])).code).toBe(0);
      const defrag = await jobEnd(h, unwrap(await h.handlers['maintenance:defragment']({ profileId: root, target: memberId })).jobId);
      expect(defrag.state, JSON.stringify(defrag.error)).toBe('done');

      const refused = await jobEnd(h, unwrap(await h.handlers['maintenance:snapshot']({ profileId: reader, memberId, path: join(dir, 'reader.db') })).jobId);
      expect(refused.state).toBe('failed');
      expect(refused.error?.code).toBe('PERMISSION_DENIED');
      expect(refused.error?.message).toMatch(/root role/);
      expect(await readdir(dir)).toEqual(['auth.db']);
      const notRoot = await jobEnd(h, unwrap(await h.handlers['maintenance:defragment']({ profileId: reader, target: memberId })).jobId);
      expect(notRoot.error?.code).toBe('PERMISSION_DENIED');
      expect((notRoot.report as DefragReport).members[0].state).toBe('failed');
    } finally {
      await secured.close();
    }
  });
});
