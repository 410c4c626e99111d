/**
 * Profile modes enforced in main, on a real etcd, through the handler table with its real
 * policy (the profiles' modes): every channel the contract declares as a write is refused for a
 * read-only profile (READ_ONLY) and, without the typed name, for a production one
 * (CONFIRMATION_REQUIRED), and in both cases nothing reaches etcd: no call goes through etcd3's
 * connection pool and the cluster's revision does not move. The list of channels comes from the
 * contract, so a new write channel is covered (and must get a request here) without editing
 * anything else.
 */
import { sampleRequests } from '../unit/support/sample-requests';
import { ConnectionPool } from 'etcd3/lib/connection-pool';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channels, type ChannelName } from '../../src/shared/contract';
import { text } from '../../src/shared/bytes';
import type { Result } from '../../src/shared/result';
import type { ImportPlanReport } from '../../src/shared/transfer-reports';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, errorOf, unwrap, type Harness } from '../support/harness';
import { jobEnd } from '../support/jobs';

let etcd: EtcdCluster;
let h: Harness;
let dir: string;
let dev: string;
let ro: string;
let prod: string;
/** A lease granted through the normal profile, so revoke/keep-alive requests name a real one. */
let leaseId: string;
/** The mod revision of modes/k, so a restore request is one that would apply. */
let keyRevision: number;

const writes = channels()
  .filter((c) => c.def.effect === 'write')
  .map((c) => c.name);

beforeAll(async () => {
  etcd = await startCluster({ startTimeoutMs: 30_000 });
  dir = await mkdtemp(join(tmpdir(), 'etcd-desktop-modes-'));
  h = await createHarness({ liveness: false });
  dev = await h.connect({ name: 'Dev', endpoints: etcd.endpoints, deadlineMs: 5000 });
  ro = await h.connect({ name: 'Archive', endpoints: etcd.endpoints, deadlineMs: 5000, mode: 'read-only' });
  prod = await h.connect({ name: 'Prod EU', endpoints: etcd.endpoints, deadlineMs: 5000, mode: 'production' });
  keyRevision = unwrap(await h.handlers['kv:put']({ profileId: dev, key: text('modes/k'), value: text('v1') })).revision;
  leaseId = unwrap(await h.handlers['leases:grant']({ profileId: dev, ttl: 600 })).id;
}, 60_000);
afterAll(async () => {
  await h?.close();
  await etcd?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The cluster's revision, read with etcdctl (outside the process, so the gRPC spy does not see it). */
async function revision(): Promise<number> {
  const out = await etcd.etcdctl(['get', 'modes/k', '-w', 'json']);
  return Number((JSON.parse(out.stdout) as { header: { revision: number | string } }).header.revision);
}

/** A request for `channel` from `profileId` that would write if the gate let it through. */
async function writeRequest(channel: ChannelName, profileId: string): Promise<Record<string, unknown>> {
  const ref = { profileId };
  switch (channel) {
    case 'kv:put':
      return { ...ref, key: text('modes/k'), value: text('changed') };
    case 'kv:delete':
      return { ...ref, key: text('modes/k') };
    case 'history:restore':
      return { ...ref, key: text('modes/k'), revision: keyRevision, expectedModRevision: keyRevision };
    case 'leases:grant':
      return { ...ref, ttl: 60 };
    case 'leases:revoke':
    case 'leases:keepAliveOnce':
    case 'leases:keepAlive':
      return { ...ref, id: leaseId };
    case 'bulk:delete': {
      // Planning is a read: allowed on every profile.
      const plan = unwrap(await h.handlers['bulk:planDelete']({ ...ref, source: { kind: 'prefix', prefix: text('modes/') } }));
      return { ...ref, planId: plan.planId, typed: String(plan.count) };
    }
    case 'bulk:undo':
      return { ...ref, undoId: 'no-undo-here' };
    case 'bulk:copy':
      return { ...ref, source: { kind: 'prefix', prefix: text('modes/') }, targetProfileId: profileId, targetPrefix: text('copied/'), mode: 'copy', overwrite: true };
    case 'transfer:apply': {
      // The dry run is a read: allowed on every profile.
      const path = join(dir, `${profileId}.jsonl`);
      await writeFile(path, '{"format":"etcd-desktop-export","version":1}\n{"key":{"utf8":"modes/imported"},"value":{"utf8":"1"}}\n');
      const job = await jobEnd(h, unwrap(await h.handlers['transfer:plan']({ ...ref, path, onExisting: 'overwrite' })).jobId);
      const planId = (job.report as ImportPlanReport).planId;
      expect(planId).toBeTruthy();
      return { ...ref, planId };
    }
    default: {
      // Administration (users, maintenance, members, audit restore): the shared sample request,
      // for this profile. The gate refuses before the request's contents matter.
      const sample = (sampleRequests as Record<string, unknown>)[channel];
      if (sample && typeof sample === 'object') return { ...(sample as Record<string, unknown>), profileId };
      throw new Error(`no write request for ${channel}: add one here`);
    }
  }
}

/**
 * Every etcd call this process makes while `fn` runs, by service: each RPC of etcd3 (unary or
 * stream) goes through its connection pool's `withConnection`, the one door to a member.
 */
async function etcdCalls<T>(fn: () => Promise<T>): Promise<{ value: T; calls: string[] }> {
  const calls: string[] = [];
  const proto = ConnectionPool.prototype as unknown as { withConnection: (service: string, ...rest: unknown[]) => unknown };
  const original = proto.withConnection;
  proto.withConnection = function (this: unknown, service: string, ...rest: unknown[]) {
    calls.push(service);
    return original.call(this, service, ...rest);
  };
  try {
    return { value: await fn(), calls };
  } finally {
    proto.withConnection = original;
  }
}

const call = (channel: ChannelName, req: Record<string, unknown>) => (h.handlers[channel] as (r: unknown) => Promise<Result<unknown>>)(req);

describe('profile modes, enforced in main', () => {
  it('the spy sees the calls of an allowed write (so "no call" below means something)', async () => {
    const { value, calls } = await etcdCalls(() => call('kv:put', { profileId: dev, key: text('modes/probe'), value: text('1') }));
    expect(value.ok).toBe(true);
    expect(calls).toContain('KV');
  });

  it.each(writes)('%s on a read-only profile: READ_ONLY naming it, no etcd request, revision unchanged', async (channel) => {
    const req = await writeRequest(channel, ro);
    const before = await revision();
    const { value, calls } = await etcdCalls(() => call(channel, { ...req, confirmation: 'Archive' }));
    const e = errorOf(value);
    expect(e.code).toBe('READ_ONLY');
    expect(e.message).toContain('Archive');
    expect(calls).toEqual([]);
    expect(await revision()).toBe(before);
  });

  it('bulk:copy from a normal profile into a read-only one is refused the same way', async () => {
    const before = await revision();
    const { value, calls } = await etcdCalls(() =>
      call('bulk:copy', { profileId: dev, source: { kind: 'prefix', prefix: text('modes/') }, targetProfileId: ro, targetPrefix: text('copied/'), mode: 'copy', overwrite: true }),
    );
    expect(errorOf(value).code).toBe('READ_ONLY');
    expect(calls).toEqual([]);
    expect(await revision()).toBe(before);
  });

  it.each(writes)('%s on a production profile without the typed name, or with another text: CONFIRMATION_REQUIRED, no etcd request', async (channel) => {
    const req = await writeRequest(channel, prod);
    const before = await revision();
    for (const confirmation of [undefined, 'prod eu', 'Dev']) {
      const { value, calls } = await etcdCalls(() => call(channel, confirmation === undefined ? req : { ...req, confirmation }));
      expect(errorOf(value).code).toBe('CONFIRMATION_REQUIRED');
      expect(calls).toEqual([]);
    }
    expect(await revision()).toBe(before);
  });

  it('production: a save lands only with the profile name typed; a single-key delete only with the key typed', async () => {
    const put = { profileId: prod, key: text('modes/prod'), value: text('confirmed') };
    expect(errorOf(await call('kv:put', put)).code).toBe('CONFIRMATION_REQUIRED');
    expect((await etcd.etcdctl(['get', 'modes/prod'])).stdout.trim()).toBe('');
    unwrap(await call('kv:put', { ...put, confirmation: 'Prod EU' }));
    expect((await etcd.etcdctl(['get', 'modes/prod', '--print-value-only'])).stdout.trim()).toBe('confirmed');

    const del = { profileId: prod, key: text('modes/prod') };
    expect(errorOf(await call('kv:delete', { ...del, confirmation: 'Prod EU' })).code).toBe('CONFIRMATION_REQUIRED');
    unwrap(await call('kv:delete', { ...del, confirmation: 'modes/prod' }));
    expect((await etcd.etcdctl(['get', 'modes/prod'])).stdout.trim()).toBe('');
  });

  it('reads work on every mode, and a mode changed in the profile applies at the next write', async () => {
    expect(unwrap(await h.handlers['kv:get']({ profileId: ro, key: text('modes/k') })).value).toEqual(text('v1'));
    unwrap(await h.handlers['profiles:save']({ id: ro, name: 'Archive', endpoints: etcd.endpoints, mode: 'normal' }));
    unwrap(await h.handlers['connection:connect']({ profileId: ro }));
    unwrap(await call('kv:put', { profileId: ro, key: text('modes/now-writable'), value: text('1') }));
    unwrap(await h.handlers['profiles:save']({ id: ro, name: 'Archive', endpoints: etcd.endpoints, mode: 'read-only' }));
    unwrap(await h.handlers['connection:connect']({ profileId: ro }));
    expect(errorOf(await call('kv:put', { profileId: ro, key: text('modes/now-writable'), value: text('2') })).code).toBe('READ_ONLY');
  });
});
