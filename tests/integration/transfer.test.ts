/**
 * Export and import through the handlers, on two real etcds (A exports, B imports). Results are
 * checked against etcd itself through a plain etcd3 client (and etcdctl), never only through the
 * code under test. Rates are printed, not asserted.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { createHandlers, type AppHandlers } from '../../src/main/core/handlers';
import { putMany, type BulkEntry } from '../../src/main/core/etcd/bulk';
import { EtcdSession } from '../../src/main/core/etcd/session';
import { text, toUint8, type Bytes } from '../../src/shared/bytes';
import type { EventMap, EventName } from '../../src/shared/contract';
import type { ExportReport, ImportApplyReport, ImportPlanReport } from '../../src/shared/transfer-reports';
import type { JobInfo } from '../../src/shared/types';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { faultProxy } from '../support/fault-proxy';
import { errorOf, testCipher, unwrap } from '../support/harness';

let a: EtcdCluster;
let b: EtcdCluster;
let plainA: Etcd3;
let plainB: Etcd3;
let h: AppHandlers;
let dir: string;
let profileA: string;
let profileB: string;
const jobEvents: JobInfo[] = [];
const waiters = new Set<(j: JobInfo) => void>();

beforeAll(async () => {
  [a, b] = await Promise.all([startCluster(), startCluster()]);
  // Whole prefixes are read in one Range here: raise grpc's 4 MiB receive cap.
  const grpcOptions = { 'grpc.max_receive_message_length': 256 * 2 ** 20 };
  plainA = new Etcd3({ hosts: a.endpoints, grpcOptions });
  plainB = new Etcd3({ hosts: b.endpoints, grpcOptions });
  dir = await mkdtemp(join(tmpdir(), 'etcd-transfer-test-'));
  h = createHandlers({
    profilesDir: dir,
    cipher: testCipher(),
    liveness: false,
    emit: <E extends EventName>(event: E, payload: EventMap[E]) => {
      if (event !== 'event:job') return;
      const j = payload as JobInfo;
      jobEvents.push(j);
      for (const w of [...waiters]) w(j);
    },
  });
  const connect = async (name: string, endpoints: string[]): Promise<string> => {
    const p = unwrap(await h['profiles:save']({ name, endpoints, deadlineMs: 20_000 }));
    unwrap(await h['connection:connect']({ profileId: p.id }));
    return p.id;
  };
  profileA = await connect('A', a.endpoints);
  profileB = await connect('B', b.endpoints);
}, 60_000);
afterAll(async () => {
  await h?.dispose();
  plainA?.close();
  plainB?.close();
  await Promise.all([a?.close(), b?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Resolves with the first event of the job that `matches` (also one already seen). */
function jobEvent(jobId: string, matches: (j: JobInfo) => boolean): Promise<JobInfo> {
  const seen = jobEvents.find((j) => j.jobId === jobId && matches(j));
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const w = (j: JobInfo): void => {
      if (j.jobId !== jobId || !matches(j)) return;
      waiters.delete(w);
      resolve(j);
    };
    waiters.add(w);
  });
}
const ended = (jobId: string): Promise<JobInfo> => jobEvent(jobId, (j) => j.state !== 'running');

async function run(started: Promise<{ ok: boolean }>): Promise<JobInfo> {
  const info = unwrap((await started) as Awaited<ReturnType<AppHandlers['jobs:cancel']>>);
  return ended(info.jobId);
}

const exportTo = async (profileId: string, path: string, prefix: string): Promise<{ job: JobInfo; report: ExportReport; ms: number }> => {
  const t = performance.now();
  const job = await run(h['transfer:export']({ profileId, path, prefix: text(prefix) }));
  return { job, report: job.report as ExportReport, ms: performance.now() - t };
};
const plan = async (path: string, onExisting: 'keep' | 'overwrite' = 'keep', profileId = profileB): Promise<{ job: JobInfo; report: ImportPlanReport }> => {
  const job = await run(h['transfer:plan']({ profileId, path, onExisting }));
  return { job, report: job.report as ImportPlanReport };
};
const apply = async (planId: string, profileId = profileB): Promise<{ job: JobInfo; report: ImportApplyReport; ms: number }> => {
  const t = performance.now();
  const job = await run(h['transfer:apply']({ profileId, planId }));
  return { job, report: job.report as ImportApplyReport, ms: performance.now() - t };
};

const b8 = (s: string): Buffer => Buffer.from(s, 'latin1');
const keyText = (k: Bytes): string => Buffer.from(toUint8(k)).toString('latin1');

/** Every key and value under a prefix, as a plain etcd3 client reads them (sorted by key). */
async function dump(client: Etcd3, prefix: string): Promise<Array<[string, string]>> {
  const key = b8(prefix);
  const end = Buffer.from(key);
  end[end.length - 1]++;
  const res = await client.kv.range({ key, range_end: end });
  return res.kvs.map((kv) => [kv.key.toString('hex'), (kv.value ?? Buffer.alloc(0)).toString('hex')]);
}

async function revisionOf(client: Etcd3): Promise<number> {
  const res = await client.kv.range({ key: b8('\0') });
  return Number(res.header.revision);
}

async function seed(cluster: EtcdCluster, entries: BulkEntry[]): Promise<void> {
  const s = new EtcdSession({ endpoints: cluster.endpoints, deadlineMs: 30_000 });
  try {
    await putMany(s, entries);
  } finally {
    s.close();
  }
}

describe('export then import into another etcd', () => {
  it('is byte-exact: binary keys and values, an empty value, a 1 MB value, leased keys; 20k keys, rates printed', async () => {
    const entries: BulkEntry[] = [];
    for (let i = 0; i < 20_000; i++) entries.push({ key: b8(`x/k${String(i).padStart(6, '0')}`), value: b8(`value ${i} ${'y'.repeat(i % 90)}`) });
    entries.push({ key: Buffer.concat([b8('x/bin-'), Buffer.from([0xff, 0x00, 0xfe, 0x0a, 0x0d])]), value: Buffer.from([0x00, 0xc3, 0x28, 0xff, 0x0a]) });
    entries.push({ key: b8('x/empty'), value: Buffer.alloc(0) });
    entries.push({ key: b8('x/big'), value: randomBytes(1024 * 1024) });
    entries.push({ key: b8('x/line\nbreak "quoted" \u00e9'), value: Buffer.from('text with\r\nnewlines and é', 'utf8') });
    await seed(a, entries);
    const lease = plainA.lease(600, { autoKeepAlive: false });
    await lease.put('x/leased').value('with lease');
    const leaseId = await lease.grant();

    const path = join(dir, 'x.jsonl');
    const ex = await exportTo(profileA, path, 'x/');
    expect(ex.job.state).toBe('done');
    expect(ex.report.complete).toBe(true);
    expect(ex.report.keys).toBe(entries.length + 1);
    expect(ex.report.total).toBe(entries.length + 1);
    expect(ex.report.withLease).toBe(1);
    console.log(`[transfer] export: ${ex.report.keys} keys, ${(ex.report.bytes / 2 ** 20).toFixed(1)} MiB in ${Math.round(ex.ms)} ms (${Math.round(ex.report.keys / (ex.ms / 1000))} keys/s)`);

    // The file: a header, then one line per key; the lease is metadata with its id and TTL.
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.length).toBe(entries.length + 2);
    const header = JSON.parse(lines[0]) as { format: string; version: number; count: number; revision: number; prefix: unknown };
    expect(header).toMatchObject({ format: 'etcd-desktop-export', version: 1, count: entries.length + 1, prefix: { utf8: 'x/' } });
    const leased = lines.map((l) => JSON.parse(l) as { key?: { utf8?: string }; lease?: string; leaseTtl?: number }).find((o) => o.key?.utf8 === 'x/leased')!;
    expect(leased.lease).toBe(leaseId);
    expect(leased.leaseTtl).toBeGreaterThan(500);

    const before = await revisionOf(plainB);
    const p = await plan(path);
    expect(p.job.state).toBe('done');
    expect(p.report.counts).toEqual({ create: entries.length + 1, overwrite: 0, unchanged: 0, conflict: 0 });
    expect(p.report.lists.create.length).toBe(100);
    expect(p.report.format).toBe('etcd-desktop');
    expect(p.report.source?.revision).toBe(header.revision);
    // Nothing is written before apply.
    expect(await revisionOf(plainB)).toBe(before);
    expect(await dump(plainB, 'x/')).toEqual([]);

    const ap = await apply(p.report.planId!);
    expect(ap.job.state).toBe('done');
    expect(ap.report.counts).toMatchObject({ created: entries.length + 1, overwritten: 0, unchanged: 0, skipped: 0, failed: 0, unknown: 0, notAttempted: 0 });
    console.log(`[transfer] import apply: ${ap.report.counts.created} keys in ${Math.round(ap.ms)} ms (${Math.round(ap.report.counts.created / (ap.ms / 1000))} keys/s, ${ap.report.transactions} txns)`);
    expect(await dump(plainB, 'x/')).toEqual(await dump(plainA, 'x/'));
    // Lease ids and TTLs are metadata: the imported key has no lease.
    const imported = await plainB.kv.range({ key: b8('x/leased') });
    expect(imported.kvs[0].lease).toBe('0');

    // Run again: everything is unchanged, nothing is written.
    const again = await plan(path);
    expect(again.report.counts).toEqual({ create: 0, overwrite: 0, unchanged: entries.length + 1, conflict: 0 });
    const rev = await revisionOf(plainB);
    const ap2 = await apply(again.report.planId!);
    expect(ap2.report.counts.unchanged).toBe(entries.length + 1);
    expect(ap2.report.transactions).toBe(0);
    expect(await revisionOf(plainB)).toBe(rev);
  }, 120_000);

  it("imports etcdctl's own `get --prefix -w json` output, byte-exact, never using its lease ids", async () => {
    const entries: BulkEntry[] = [
      { key: Buffer.concat([b8('e/'), Buffer.from([0xff, 0xfe, 0x00])]), value: Buffer.from([0x80, 0x81, 0x00]) },
      { key: b8('e/empty'), value: Buffer.alloc(0) },
      { key: b8('e/text'), value: b8('hello') },
    ];
    for (let i = 0; i < 500; i++) entries.push({ key: b8(`e/n${i}`), value: randomBytes(i % 64) });
    await seed(a, entries);
    const lease = plainA.lease(600, { autoKeepAlive: false });
    await lease.put('e/leased').value('leased');
    const r = await a.etcdctl(['get', 'e/', '--prefix', '-w', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const path = join(dir, 'etcdctl.json');
    await writeFile(path, r.stdout);

    const p = await plan(path);
    expect(p.job.state).toBe('done');
    expect(p.report.format).toBe('etcdctl-json');
    expect(p.report.counts.create).toBe(entries.length + 1);
    // The cluster id is a 64-bit number in etcdctl's JSON: read as text, every digit kept.
    const status = await plainA.maintenance.status();
    expect(p.report.source?.cluster).toBe(BigInt(status.header.cluster_id).toString(16));
    const ap = await apply(p.report.planId!);
    expect(ap.report.counts.created).toBe(entries.length + 1);
    expect(await dump(plainB, 'e/')).toEqual(await dump(plainA, 'e/'));
    expect((await plainB.kv.range({ key: b8('e/leased') })).kvs[0].lease).toBe('0');

    // Keys-only output has no values: the dry run warns before anything is written.
    const ko = await a.etcdctl(['get', 'e/text', '--prefix', '--keys-only', '-w', 'json']);
    const koPath = join(dir, 'keys-only.json');
    await writeFile(koPath, ko.stdout);
    const kp = await plan(koPath, 'overwrite');
    expect(kp.report.counts.overwrite).toBe(1);
    expect(kp.report.warnings.join(' ')).toMatch(/keys-only/);
  }, 60_000);
});

describe('dry run and apply', () => {
  /** A file of d/k000..d/k099 with value "file-i"; B holds k000-k019 equal, k020-k039 different. */
  async function prepare(prefix: string): Promise<string> {
    const file: BulkEntry[] = Array.from({ length: 100 }, (_, i) => ({ key: b8(`${prefix}k${String(i).padStart(3, '0')}`), value: b8(`file-${i}`) }));
    await seed(a, file);
    await seed(b, [
      ...file.slice(0, 20),
      ...file.slice(20, 40).map((e) => ({ key: e.key, value: b8('cluster') })),
    ]);
    const path = join(dir, `${prefix.replace('/', '')}.jsonl`);
    expect((await exportTo(profileA, path, prefix)).job.state).toBe('done');
    return path;
  }

  it('counts are exact for keep and overwrite, lists name the keys with their lines; nothing is written', async () => {
    const path = await prepare('d/');
    const before = await revisionOf(plainB);
    const keep = await plan(path, 'keep');
    expect(keep.report.counts).toEqual({ create: 60, overwrite: 0, unchanged: 20, conflict: 20 });
    expect(keep.report.lists.conflict.map((i) => keyText(i.key))).toEqual(Array.from({ length: 20 }, (_, i) => `d/k${String(20 + i).padStart(3, '0')}`));
    expect(keep.report.lists.conflict[0]).toMatchObject({ line: 22, size: 'file-20'.length, currentSize: 'cluster'.length });
    const over = await plan(path, 'overwrite');
    expect(over.report.counts).toEqual({ create: 60, overwrite: 20, unchanged: 20, conflict: 0 });
    expect(await revisionOf(plainB)).toBe(before);

    const ap = await apply(keep.report.planId!);
    expect(ap.report.counts).toMatchObject({ created: 60, overwritten: 0, unchanged: 20, skipped: 20, changedSinceDryRun: 0 });
    expect(ap.report.lists.skipped.every((s) => s.reason === 'kept-existing')).toBe(true);
    expect((await plainB.get('d/k025').string())).toBe('cluster');
    expect((await plainB.get('d/k065').string())).toBe('file-65');
  });

  it('compare-and-swap: keys changed between dry run and apply are skipped and listed, not overwritten', async () => {
    const path = await prepare('c/');
    const p = await plan(path, 'overwrite');
    expect(p.report.counts).toEqual({ create: 60, overwrite: 20, unchanged: 20, conflict: 0 });
    await plainB.put('c/k025').value('changed after the dry run'); // planned overwrite
    await plainB.put('c/k070').value('created after the dry run'); // planned create
    await plainB.put('c/k071').value('file-71'); // planned create, now already the file's value
    const ap = await apply(p.report.planId!);
    expect(ap.job.state).toBe('done');
    expect(ap.report.counts).toMatchObject({ created: 58, overwritten: 19, unchanged: 21, skipped: 2, changedSinceDryRun: 2, failed: 0, unknown: 0 });
    expect(ap.report.lists.skipped.map((s) => [keyText(s.key), s.reason]).sort()).toEqual([
      ['c/k025', 'changed-since-dry-run'],
      ['c/k070', 'changed-since-dry-run'],
    ]);
    expect(await plainB.get('c/k025').string()).toBe('changed after the dry run');
    expect(await plainB.get('c/k070').string()).toBe('created after the dry run');
    expect(await plainB.get('c/k069').string()).toBe('file-69');
  });

  it('cancel mid-way, then run again: the rest is written, keys already written show as unchanged', async () => {
    const N = 40_000;
    const file: BulkEntry[] = Array.from({ length: N }, (_, i) => ({ key: b8(`m/k${String(i).padStart(6, '0')}`), value: b8(`v${i}-${'z'.repeat(200)}`) }));
    await seed(a, file);
    const path = join(dir, 'm.jsonl');
    expect((await exportTo(profileA, path, 'm/')).job.state).toBe('done');
    const p = await plan(path);
    expect(p.report.counts.create).toBe(N);

    const started = unwrap(await h['transfer:apply']({ profileId: profileB, planId: p.report.planId! }));
    await jobEvent(started.jobId, (j) => (j.progress?.done ?? 0) > 0);
    unwrap(await h['jobs:cancel']({ profileId: profileB, jobId: started.jobId }));
    const cancelled = await ended(started.jobId);
    expect(cancelled.state).toBe('cancelled');
    const r1 = cancelled.report as ImportApplyReport;
    console.log(`[transfer] cancelled apply: ${r1.counts.created} created, ${r1.counts.notAttempted} not attempted of ${N}`);
    expect(r1.counts.created).toBeGreaterThan(0);
    expect(r1.counts.notAttempted).toBeGreaterThan(0);
    expect(r1.counts.created + r1.counts.notAttempted).toBe(N);
    expect((await dump(plainB, 'm/')).length).toBe(r1.counts.created);

    // A new dry run sees what the interrupted one wrote as unchanged.
    const p2 = await plan(path);
    expect(p2.report.counts).toEqual({ create: N - r1.counts.created, overwrite: 0, unchanged: r1.counts.created, conflict: 0 });
    // The old plan may be applied again too: its compares fail for the written keys, which are
    // read again and found to hold the file's bytes.
    const ap = await apply(p.report.planId!);
    expect(ap.job.state).toBe('done');
    expect(ap.report.counts).toMatchObject({ created: N - r1.counts.created, unchanged: r1.counts.created, skipped: 0, failed: 0, unknown: 0, notAttempted: 0 });
    expect(await dump(plainB, 'm/')).toEqual(await dump(plainA, 'm/'));
  }, 120_000);

  it('a transaction whose answer is lost is reported unknown, never written or failed; a new dry run then sees where each key stands', async () => {
    const N = 3000;
    await seed(a, Array.from({ length: N }, (_, i) => ({ key: b8(`u/k${String(i).padStart(5, '0')}`), value: b8(`v${i}`) })));
    const path = join(dir, 'u.jsonl');
    expect((await exportTo(profileA, path, 'u/')).job.state).toBe('done');
    const proxy = await faultProxy(b.endpoints[0]);
    try {
      const viaProxy = unwrap(await h['profiles:save']({ name: 'B via proxy', endpoints: [proxy.endpoint], deadlineMs: 5000 })).id;
      unwrap(await h['connection:connect']({ profileId: viaProxy }));
      const p = await plan(path, 'keep', viaProxy);
      expect(p.report.counts.create).toBe(N);
      // The next answer after the next request is cut: a txn reached etcd, its answer did not come back.
      const cut = proxy.dropNextResponse();
      const ap = await apply(p.report.planId!, viaProxy);
      await cut;
      const c = ap.report.counts;
      console.log(`[transfer] answer cut: ${ap.job.state} ${ap.job.error?.code}; created ${c.created}, unknown ${c.unknown}, failed ${c.failed}, not attempted ${c.notAttempted}`);
      expect(ap.job.state).toBe('failed');
      expect(ap.job.error?.code).toBe('OUTCOME_UNKNOWN');
      expect(c.unknown).toBeGreaterThan(0);
      expect(ap.report.lists.unknown.length).toBe(Math.min(100, c.unknown));
      expect(c.created + c.unknown + c.failed + c.notAttempted).toBe(N);
      // What etcd holds: every created key, and some or none of the unknown ones.
      const held = (await dump(plainB, 'u/')).length;
      expect(held).toBeGreaterThanOrEqual(c.created);
      expect(held).toBeLessThanOrEqual(c.created + c.unknown);
      const again = await plan(path);
      expect(again.report.counts).toEqual({ create: N - held, overwrite: 0, unchanged: held, conflict: 0 });
      const ap2 = await apply(again.report.planId!);
      expect(ap2.report.counts).toMatchObject({ created: N - held, unchanged: held, unknown: 0, failed: 0 });
      expect(await dump(plainB, 'u/')).toEqual(await dump(plainA, 'u/'));
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('transactions stay under the request size: 40 values of 200 kB go in several txns', async () => {
    const file: BulkEntry[] = Array.from({ length: 40 }, (_, i) => ({ key: b8(`w/${i}`), value: Buffer.alloc(200_000, i) }));
    await seed(a, file);
    const path = join(dir, 'w.jsonl');
    expect((await exportTo(profileA, path, 'w/')).job.state).toBe('done');
    const ap = await apply((await plan(path)).report.planId!);
    expect(ap.report.counts.created).toBe(40);
    expect(ap.report.transactions).toBeGreaterThanOrEqual(6); // 1.5 MiB / 200 kB: at most 7 per txn
    expect(await dump(plainB, 'w/')).toEqual(await dump(plainA, 'w/'));
  });

  it('a malformed line is reported with its number, and nothing is written', async () => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(
      path,
      [
        '{"format":"etcd-desktop-export","version":1,"cluster":"1","revision":1,"prefix":{"utf8":"bad/"},"count":4}',
        '{"key":{"utf8":"bad/1"},"value":{"utf8":"1"}}',
        '{"key":{"utf8":"bad/2"},"value":{"utf8":"2"}}',
        '{"key":{"utf8":"bad/3"},"value":{"utf8":"3"}}',
        '{"key":{"utf8":"bad/4"},"value":{"base64":"not base64!"}}',
        '',
      ].join('\n'),
    );
    const before = await revisionOf(plainB);
    const p = await plan(path);
    expect(p.job.state).toBe('failed');
    expect(p.job.error?.code).toBe('INVALID_ARGUMENT');
    expect(p.job.error?.message).toMatch(/^Line 5 of the file /);
    expect(p.job.error?.details?.hint).toBe('line 5');
    expect(p.report.malformed?.line).toBe(5);
    expect(p.report.planId).toBeUndefined();
    expect(await revisionOf(plainB)).toBe(before);
    expect(await dump(plainB, 'bad/')).toEqual([]);

    const dup = join(dir, 'dup.jsonl');
    await writeFile(dup, '{"format":"etcd-desktop-export","version":1}\n{"key":{"utf8":"bad/1"},"value":{"utf8":"1"}}\n{"key":{"base64":"YmFkLzE="},"value":{"utf8":"2"}}\n');
    const d = await plan(dup);
    expect(d.job.error?.message).toMatch(/Line 3 .*same key as line 2/);
    // Out of key order: the dry run reads the file again remembering every key.
    const line = (k: string): string => `{"key":{"utf8":"${k}"},"value":{"utf8":"v"}}\n`;
    const unsorted = join(dir, 'unsorted.jsonl');
    await writeFile(unsorted, `{"format":"etcd-desktop-export","version":1}\n${line('uns/b')}${line('uns/a')}${line('uns/b')}`);
    expect((await plan(unsorted)).job.error?.message).toMatch(/Line 4 .*same key as line 2/);
    await writeFile(unsorted, `{"format":"etcd-desktop-export","version":1}\n${line('uns/c')}${line('uns/a')}${line('uns/b')}`);
    const u = await plan(unsorted);
    expect(u.report.counts.create).toBe(3);
    expect(u.report.lists.create.map((i) => i.line)).toEqual([2, 3, 4]);

    expect(errorOf(await h['transfer:apply']({ profileId: profileB, planId: 'no-such-plan' })).code).toBe('NOT_FOUND');
    expect(errorOf(await h['transfer:plan']({ profileId: profileB, path: join(dir, 'missing.jsonl'), onExisting: 'keep' })).code).toBe('NOT_FOUND');
  });
});

describe('export', () => {
  it('cancelled mid-way: no file is left (and an existing target is untouched)', async () => {
    const N = 30_000;
    await seed(a, Array.from({ length: N }, (_, i) => ({ key: b8(`big/k${String(i).padStart(6, '0')}`), value: Buffer.alloc(1000, 0x61) })));
    const path = join(dir, 'cancelled.jsonl');
    await writeFile(path, 'previous contents');
    const started = unwrap(await h['transfer:export']({ profileId: profileA, path, prefix: text('big/') }));
    await jobEvent(started.jobId, (j) => (j.progress?.done ?? 0) > 0);
    unwrap(await h['jobs:cancel']({ profileId: profileA, jobId: started.jobId }));
    const job = await ended(started.jobId);
    expect(job.state).toBe('cancelled');
    const r = job.report as ExportReport;
    console.log(`[transfer] cancelled export after ${r.keys} of ${r.total} keys`);
    expect(r.complete).toBe(false);
    expect(r.keys).toBeLessThan(N);
    expect(await readFile(path, 'utf8')).toBe('previous contents');
    expect((await readdir(dir)).filter((f) => f.endsWith('.part'))).toEqual([]);
  }, 60_000);

  it('a selection: exactly the named keys that exist, at one revision', async () => {
    await seed(a, [
      { key: b8('sel/a'), value: b8('1') },
      { key: b8('sel/b'), value: b8('2') },
      { key: b8('sel/c'), value: b8('3') },
    ]);
    const path = join(dir, 'sel.jsonl');
    const job = await run(h['transfer:export']({ profileId: profileA, path, keys: [text('sel/c'), text('sel/a'), text('sel/missing')] }));
    expect(job.state).toBe('done');
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n').slice(1).map((l) => (JSON.parse(l) as { key: { utf8: string } }).key.utf8);
    expect(lines).toEqual(['sel/c', 'sel/a']);
    expect(errorOf(await h['transfer:export']({ profileId: profileA, path: 'relative.jsonl', prefix: text('') })).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(await h['transfer:export']({ profileId: profileA, path: join(dir, 'no-such-dir', 'x.jsonl'), prefix: text('') })).code).toBe('NOT_FOUND');
  });
});
