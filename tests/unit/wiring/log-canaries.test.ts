/**
 * No key, value, password or user name ever reaches the log file. The app's real pieces
 * (the handler table logging to electron-log's file transport, the IPC dispatch with its sender
 * check and schemas) run against a real etcd with auth; canary keys, values and credentials go
 * through EVERY channel of the contract, succeeding and failing (wrong password, no password,
 * permission denied, CAS conflicts, too-large values, missing keys, unknown handles, invalid
 * requests, untrusted senders, renderer error reports). Then the log files are searched for
 * each canary, as text, base64 (at every alignment) and hex: none may be there, while the
 * log shows what happened (codes, refusals, connection changes).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { allChannels, channels, type ChannelName } from '../../../src/shared/contract';
import type { Result } from '../../../src/shared/result';
import { createHandlers, type AppHandlers } from '../../../src/main/core/handlers';
import { encodeK8sObject } from '../../../src/main/core/k8s/encode';
import { createLogger } from '../../../src/main/core/logging/logger';
import { createSenderCheck, dispatch, type SenderFrame } from '../../../src/main/electron/ipc';
import { createFileLog } from '../../../src/main/electron/logging';
import { addUserWithRole, startCluster, type EtcdCluster } from '../../support/etcd';
import { testCipher } from '../../support/harness';
import { sampleRequests } from '../support/sample-requests';

vi.mock('electron', () => ({}));

const tag = randomBytes(6).toString('hex');
const CANARY = {
  rootPassword: `canary-rootpw-${tag}`,
  user: `canary-user-${tag}`,
  password: `canary-password-${tag}`,
  wrongPassword: `canary-wrongpw-${tag}`,
  readerPassword: `canary-readerpw-${tag}`,
  profileName: `canary-profile-${tag}`,
  key: `canary-key-${tag}`,
  binaryKey: `canary-binkey-${tag}`,
  value: `canary-value-${tag}`,
  binaryValue: `canary-binvalue-${tag}`,
  prefix: `canary-prefix-${tag}/`,
  handle: `canary-handle-${tag}`,
  filePath: `/nonexistent/canary-path-${tag}/ca.pem`,
  errorText: `canary-error-${tag}`,
  extraField: `canary-extra-${tag}`,
};

/** Every way a canary could be written: text, hex, and base64 at each of the 3 alignments. */
function forms(s: string): string[] {
  const out = [s, Buffer.from(s).toString('hex')];
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.from('\0'.repeat(pad) + s).toString('base64');
    // drop the quanta that mix in the padding bytes or the end
    out.push(b64.slice(pad ? 4 : 0, -4));
  }
  return out;
}

const APP_URL = 'app://app/index.html';
const appFrame: SenderFrame = { url: APP_URL, processId: 4, routingId: 1, parent: null };
const foreignFrame: SenderFrame = { ...appFrame, url: `https://evil.example/?k=${CANARY.key}` };
const window = {
  isDestroyed: () => false,
  webContents: { isDestroyed: () => false, send: () => undefined, mainFrame: { processId: 4, routingId: 1 } },
};

const utf8 = (data: string) => ({ encoding: 'utf8', data }) as const;
const b64 = (data: string) => ({ encoding: 'base64', data: Buffer.from(data).toString('base64') }) as const;

describe('the log file never holds a key, a value or a secret', () => {
  let etcd: EtcdCluster;
  let dir: string;
  let logDir: string;
  let handlers: AppHandlers;
  const seen = { valid: new Set<string>(), invalid: new Set<string>(), untrusted: new Set<string>() };
  const codes = new Set<string>();

  const call = async (channel: ChannelName, raw: unknown, frame: SenderFrame = appFrame): Promise<Result<unknown>> => {
    const res = await dispatch(channel, raw, frame, handlers, createSenderCheck(() => window, (u) => u === APP_URL), logger.scope('ipc'));
    if (frame !== appFrame) seen.untrusted.add(channel);
    else if (!res.ok && res.error.code === 'INVALID_ARGUMENT' && res.error.message.startsWith('Invalid request')) seen.invalid.add(channel);
    else seen.valid.add(channel);
    if (!res.ok) codes.add(res.error.code);
    return res;
  };
  const ok = async (channel: ChannelName, raw: unknown) => {
    const res = await call(channel, raw);
    if (!res.ok) throw new Error(`${channel}: expected ok, got ${res.error.code} ${res.error.message}`);
    return res.value as Record<string, unknown>;
  };
  const failsWith = async (code: string | RegExp, channel: ChannelName, raw: unknown) => {
    const res = await call(channel, raw);
    expect(res.ok, `${channel} should fail`).toBe(false);
    if (!res.ok) expect(res.error.code, `${channel}: ${res.error.message}`).toMatch(typeof code === 'string' ? new RegExp(`^${code}$`) : code);
  };

  let logger: ReturnType<typeof createLogger>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'etcd-desktop-canaries-'));
    logDir = join(dir, 'logs');
    logger = createLogger(createFileLog({ dir: logDir, level: 'debug' }).sink);
    etcd = await startCluster({ auth: { rootPassword: CANARY.rootPassword }, startTimeoutMs: 30_000 });
    const ctl = async (args: string[]) => {
      const r = await etcd.etcdctl(args);
      if (r.code !== 0) throw new Error(`etcdctl ${args[0]} ${args[1]} failed: ${r.stderr}`);
    };
    await ctl(['user', 'add', CANARY.user, `--new-user-password=${CANARY.password}`]);
    await ctl(['user', 'grant-role', CANARY.user, 'root']);
    await addUserWithRole(etcd, { user: `reader-${tag}`, password: CANARY.readerPassword, role: 'pub-reader', readPrefix: 'pub/' });
    handlers = createHandlers({
      profilesDir: join(dir, 'profiles'),
      cipher: testCipher(),
      emit: () => undefined,
      logger,
      logFolder: logDir,
      openPath: async () => '',
      chooseFile: async () => null,
    });
  }, 60_000);

  afterAll(async () => {
    await handlers?.dispose();
    await etcd?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends canaries through every channel, then finds none of them in the log', async () => {
    const endpoints = etcd.endpoints;
    const profile = { name: CANARY.profileName, endpoints, username: CANARY.user, deadlineMs: 3000 };

    // profiles and connections: right, wrong and missing credentials, a TLS file that is not there
    await ok('profiles:list', undefined);
    await ok('profiles:chooseFile', { purpose: 'key', current: `/home/${CANARY.key}/client.key` });
    await ok('profiles:test', { ...profile, password: CANARY.password });
    await failsWith('AUTH_FAILED', 'profiles:test', { ...profile, password: CANARY.wrongPassword });
    await failsWith(/TLS|INVALID_ARGUMENT|UNAVAILABLE|NOT_FOUND/, 'profiles:test', {
      ...profile,
      endpoints: endpoints.map((e) => e.replace('http://', 'https://')),
      password: CANARY.password,
      tls: { caFile: CANARY.filePath },
    });
    const good = (await ok('profiles:save', { ...profile, password: CANARY.password })).id as string;
    const wrong = (await ok('profiles:save', { ...profile, name: `${CANARY.profileName}-wrong`, password: CANARY.wrongPassword })).id as string;
    const reader = (await ok('profiles:save', { ...profile, name: `${CANARY.profileName}-reader`, username: `reader-${tag}`, password: CANARY.readerPassword }))
      .id as string;
    const anonymous = (await ok('profiles:save', { name: `${CANARY.profileName}-anon`, endpoints, deadlineMs: 3000 })).id as string;
    await ok('connection:connect', { profileId: good });
    await failsWith('AUTH_FAILED', 'connection:connect', { profileId: wrong });
    await ok('connection:status', { profileId: wrong });
    const anon = await call('connection:connect', { profileId: anonymous });
    if (anon.ok) await failsWith(/AUTH_FAILED|PERMISSION_DENIED/, 'kv:get', { profileId: anonymous, key: utf8(CANARY.key) });
    await ok('connection:connect', { profileId: reader });
    await failsWith('PERMISSION_DENIED', 'kv:get', { profileId: reader, key: utf8(CANARY.key) });
    await failsWith('PERMISSION_DENIED', 'kv:put', { profileId: reader, key: utf8(CANARY.key), value: utf8(CANARY.value) });

    // keys and values: text and binary, CAS conflicts, too large, not found
    const put = await ok('kv:put', { profileId: good, key: utf8(CANARY.key), value: utf8(CANARY.value) });
    await ok('kv:put', { profileId: good, key: b64(CANARY.binaryKey), value: b64(`\u0000${CANARY.binaryValue}\u00ff`) });
    await ok('kv:put', { profileId: good, key: utf8(`${CANARY.prefix}a`), value: utf8(CANARY.value) });
    await failsWith('CONFLICT', 'kv:put', { profileId: good, key: utf8(CANARY.key), value: utf8(`${CANARY.value}-2`), expectedModRevision: 0 });
    await failsWith('CONFLICT', 'kv:put', {
      profileId: good,
      key: utf8(CANARY.key),
      value: utf8(`${CANARY.value}-3`),
      expectedModRevision: (put.revision as number) + 100,
    });
    await failsWith('TOO_LARGE', 'kv:put', { profileId: good, key: utf8(CANARY.key), value: utf8(CANARY.value.repeat(Math.ceil((2 * 1024 * 1024) / CANARY.value.length))) });
    await failsWith('TOO_LARGE', 'kv:put', { profileId: good, key: utf8(CANARY.key.repeat(2000)), value: utf8(CANARY.value.repeat(70_000)) });
    await ok('kv:get', { profileId: good, key: utf8(CANARY.key) });
    await ok('kv:get', { profileId: good, key: b64(CANARY.binaryKey) });
    await failsWith('NOT_FOUND', 'kv:get', { profileId: good, key: utf8(`${CANARY.key}-missing`) });
    await ok('kv:list', { profileId: good, prefix: utf8(CANARY.prefix), limit: 10, count: true });
    await ok('kv:list', { profileId: good, prefix: utf8(''), limit: 10, cursor: utf8(CANARY.key) });
    await ok('kv:count', { profileId: good, prefix: utf8(CANARY.prefix) });
    await ok('kv:children', { profileId: good, folder: utf8(''), delimiter: utf8('/'), limit: 50 });
    await ok('kv:seek', { profileId: good, prefix: utf8(CANARY.prefix), to: { key: utf8(CANARY.key) }, limit: 10 });
    await failsWith('NOT_CONNECTED', 'kv:seek', { profileId: `${good}-nope`, prefix: utf8(CANARY.prefix), to: { end: true }, limit: 10 });
    await ok('kv:previews', { profileId: good, keys: [utf8(CANARY.key), b64(CANARY.binaryKey), utf8(`${CANARY.key}-missing`)] });
    await failsWith('NOT_CONNECTED', 'kv:previews', { profileId: `${good}-nope`, keys: [utf8(CANARY.key)] });
    await ok('search:start', { profileId: good, prefix: utf8(''), query: CANARY.key, mode: 'text', inValues: true });
    await ok('search:start', { profileId: good, prefix: b64(CANARY.binaryKey), query: `${CANARY.value}|x`, mode: 'regex', inValues: true });
    await failsWith('INVALID_ARGUMENT', 'search:start', { profileId: good, prefix: utf8(CANARY.prefix), query: `(${CANARY.value}`, mode: 'regex' });
    await failsWith('CONFLICT', 'kv:delete', { profileId: good, key: utf8(CANARY.key), expectedModRevision: 1 });
    await ok('kv:delete', { profileId: good, key: utf8(`${CANARY.prefix}a`) });
    await failsWith('NOT_CONNECTED', 'kv:get', { profileId: `${good}-nope`, key: utf8(CANARY.key) });

    // watch, history, leases (issue 11): each feature turns its `call` into `ok`/`failsWith` as it lands
    const watched = await ok('watch:prefix', { profileId: good, prefix: utf8(CANARY.prefix), startRevision: (put.revision as number) + 1 });
    await ok('subscriptions:close', { profileId: good, subscriptionId: watched.subscriptionId });
    await ok('watch:key', { profileId: good, key: b64(CANARY.binaryKey), startRevision: (put.revision as number) + 1 });
    await failsWith('PERMISSION_DENIED', 'watch:key', { profileId: reader, key: utf8(CANARY.key), startRevision: 0 });
    await failsWith('NOT_CONNECTED', 'watch:prefix', { profileId: `${good}-nope`, prefix: utf8(CANARY.prefix), startRevision: 0 });
    await ok('history:bounds', { profileId: good });
    await ok('history:versions', { profileId: good, key: utf8(CANARY.key), limit: 10 });
    await ok('history:get', { profileId: good, key: utf8(CANARY.key), revision: put.revision as number });
    await ok('history:deleted', { profileId: good, prefix: utf8(CANARY.prefix), sinceRevision: 1, limit: 10 });
    await failsWith('NOT_FOUND', 'history:restore', { profileId: good, key: utf8(`${CANARY.prefix}a`), revision: put.revision as number, expectedModRevision: 0 });
    const lease = (await ok('leases:grant', { profileId: good, ttl: 60 })).id as string;
    await ok('kv:put', { profileId: good, key: utf8(`${CANARY.prefix}leased`), value: utf8(CANARY.value), lease: { mode: 'attach', id: lease } });
    await failsWith('NOT_FOUND', 'kv:put', { profileId: good, key: utf8(`${CANARY.prefix}leased2`), value: utf8(CANARY.value), lease: { mode: 'attach', id: '1' } });
    await ok('leases:list', { profileId: good, offset: 0, limit: 10 });
    await ok('leases:detail', { profileId: good, id: lease, keysLimit: 10 });
    await failsWith('NOT_FOUND', 'leases:detail', { profileId: good, id: '1', keysLimit: 10 });
    await ok('leases:keepAliveOnce', { profileId: good, id: lease });
    await ok('leases:keepAlive', { profileId: good, id: lease });
    await ok('leases:revoke', { profileId: good, id: lease });
    await failsWith('NOT_FOUND', 'leases:revoke', { profileId: good, id: '1' });

    // users and roles: names and passwords made of canaries; refusals by etcd
    const cUser = `${CANARY.key}-user`;
    const cRole = `${CANARY.key}-role`;
    await ok('access:overview', { profileId: good });
    await ok('access:mine', { profileId: reader });
    await ok('access:addUser', { profileId: good, name: cUser, password: CANARY.password });
    await failsWith('CONFLICT', 'access:addUser', { profileId: good, name: cUser, password: CANARY.wrongPassword });
    await ok('access:changePassword', { profileId: good, name: cUser, password: CANARY.readerPassword });
    await failsWith('NOT_FOUND', 'access:changePassword', { profileId: good, name: `${cUser}-missing`, password: CANARY.password });
    await ok('access:addRole', { profileId: good, name: cRole });
    await ok('access:grantPermission', { profileId: good, role: cRole, type: 'readwrite', target: { scope: 'prefix', prefix: utf8(CANARY.prefix) } });
    await ok('access:grantRole', { profileId: good, user: cUser, role: cRole });
    await ok('access:revokeRole', { profileId: good, user: cUser, role: cRole });
    await ok('access:revokePermission', { profileId: good, role: cRole, key: utf8(CANARY.prefix), rangeEnd: utf8(`${CANARY.prefix.slice(0, -1)}0`) });
    await failsWith('NOT_FOUND', 'access:deleteRole', { profileId: good, name: `${cRole}-missing` });
    await ok('access:deleteRole', { profileId: good, name: cRole });
    await ok('access:deleteUser', { profileId: good, name: cUser });
    await ok('access:planEnable', { profileId: good });
    await ok('access:enable', { profileId: good });
    await failsWith('PERMISSION_DENIED', 'access:disable', { profileId: reader });

    // the cluster, jobs and subscriptions (handles that do not exist)
    await ok('cluster:status', { profileId: good });
    await ok('cluster:metrics', { profileId: good });
    await ok('jobs:list', { profileId: good });
    await failsWith('NOT_FOUND', 'jobs:cancel', { profileId: good, jobId: CANARY.handle });
    await ok('subscriptions:list', { profileId: good });
    await failsWith('NOT_FOUND', 'subscriptions:close', { profileId: good, subscriptionId: CANARY.handle });

    // bulk: a plan with the canary keys, a refused confirmation, a delete, its undo, a copy (jobs end as events)
    const plan = (await ok('bulk:planDelete', { profileId: good, source: { kind: 'prefix', prefix: utf8(CANARY.prefix) } })) as unknown as { planId: string; count: number };
    await failsWith('INVALID_ARGUMENT', 'bulk:delete', { profileId: good, planId: plan.planId, typed: CANARY.value });
    await ok('bulk:delete', { profileId: good, planId: plan.planId, typed: String(plan.count) });
    await failsWith('NOT_FOUND', 'bulk:undo', { profileId: good, undoId: CANARY.handle });
    await ok('bulk:copy', { profileId: good, source: { kind: 'keys', keys: [utf8(CANARY.key)] }, targetProfileId: good, targetPrefix: utf8(`${CANARY.key}-copy`), mode: 'copy', overwrite: false });
    await failsWith('INVALID_ARGUMENT', 'bulk:copy', { profileId: good, source: { kind: 'keys', keys: [utf8(CANARY.key)] }, targetProfileId: good, targetPrefix: utf8(CANARY.key), mode: 'move', overwrite: false });

    // the app: a renderer error quoting data every way it could, the log folder
    await ok('app:reportError', {
      source: 'boundary',
      message: `Unexpected token '${CANARY.value}', "${CANARY.key}" is not valid JSON; ${CANARY.errorText} password=${CANARY.password}`,
      stack: `SyntaxError: "${CANARY.key}" ${CANARY.errorText}\n    at JSON.parse (<anonymous>)\n    at parse (app://app/assets/index.js?k=${CANARY.key}#${CANARY.value}:1:2)\n    at ${CANARY.errorText} (app://app/x.js:1:1)`,
      componentStack: `\n    at ValueEditor (app://app/assets/index.js:3:4)\n    at ${CANARY.value}`,
    });
    await ok('app:reportError', { source: 'rejection', message: `${CANARY.password} ${CANARY.binaryValue}` });
    await ok('app:openLogFolder', undefined);

    // export and import: file paths and keys named by canaries
    await ok('transfer:export', { profileId: good, prefix: utf8(CANARY.prefix), path: join(dir, `export-${CANARY.key}.jsonl`) });
    const etcdctlJson = join(dir, `import-${CANARY.key}.json`);
    const b = (t: string) => Buffer.from(t).toString('base64');
    writeFileSync(
      etcdctlJson,
      JSON.stringify({ header: { cluster_id: 1, member_id: 2, revision: 3, raft_term: 4 }, kvs: [{ key: b(`${CANARY.prefix}imported`), create_revision: 1, mod_revision: 1, version: 1, value: b(CANARY.value) }], count: 1 }),
    );
    await ok('transfer:plan', { profileId: good, path: etcdctlJson, onExisting: 'keep' });
    await failsWith('NOT_FOUND', 'transfer:plan', { profileId: good, path: join(dir, `missing-${CANARY.key}.json`), onExisting: 'keep' });
    await failsWith('NOT_FOUND', 'transfer:apply', { profileId: good, planId: CANARY.handle });
    await ok('transfer:chooseFile', { purpose: 'import', current: `/home/${CANARY.key}/export.jsonl` });

    // the audit trail: keys named by canaries, restored and listed
    await ok('kv:put', { profileId: good, key: utf8(`${CANARY.prefix}audited`), value: utf8(CANARY.value) });
    await ok('kv:put', { profileId: good, key: utf8(`${CANARY.prefix}audited`), value: utf8(`${CANARY.value}-2`) });
    const trail = (await ok('audit:list', { profileId: good, keyContains: `${CANARY.prefix}audited`, limit: 10 })) as { entries: { id: string }[] };
    await ok('audit:restore', { profileId: good, entryId: trail.entries[0].id });
    await failsWith('NOT_FOUND', 'audit:restore', { profileId: good, entryId: CANARY.handle });
    // maintenance: a snapshot to a path named by a canary, defragment, hashkv, alarms, refused compactions, a compaction
    const st = (await ok('cluster:status', { profileId: good })) as unknown as { members: { id: string }[] };
    const memberId = st.members[0].id;
    await ok('maintenance:snapshot', { profileId: good, memberId, path: join(dir, `snapshot-${CANARY.key}.db`) });
    await failsWith('NOT_FOUND', 'maintenance:snapshot', { profileId: good, memberId, path: join(dir, `missing-${CANARY.key}`, 'x.db') });
    await failsWith('NOT_FOUND', 'maintenance:chooseFile', { current: `/home/${CANARY.key}/etcd.db` });
    await ok('maintenance:defragment', { profileId: good, target: 'all' });
    await ok('maintenance:hashKv', { profileId: good });
    await ok('maintenance:alarms', { profileId: good });
    await ok('maintenance:disarm', { profileId: good, memberId });
    await failsWith('NOT_FOUND', 'maintenance:moveLeader', { profileId: good, targetMemberId: 'abc' });
    // members: only refusals (a real change would break this one-member cluster)
    const self = st.members[0] as unknown as { id: string; peerUrls: string[] };
    await ok('members:planRemove', { profileId: good, memberId });
    await failsWith('INVALID_ARGUMENT', 'members:promote', { profileId: good, memberId });
    await failsWith('NOT_FOUND', 'members:updatePeerUrls', { profileId: good, memberId: 'abc', peerUrls: ['http://127.0.0.1:1'] });
    await failsWith('CONFIRMATION_REQUIRED', 'members:remove', { profileId: good, memberId });
    await failsWith('CONFLICT', 'members:addLearner', { profileId: good, name: 'canary', peerUrls: self.peerUrls });
    await failsWith('INVALID_ARGUMENT', 'maintenance:compact', { profileId: good, revision: (put.revision as number) + 1_000_000 });
    await ok('maintenance:compact', { profileId: good, revision: put.revision as number });
    await failsWith('COMPACTED', 'maintenance:compact', { profileId: good, revision: put.revision as number });
    // kubernetes (issue 14): values and keys named by canaries; each feature turns its `call` into `ok`/`failsWith` as it lands
    const k8sKey = utf8(`/registry/secrets/${CANARY.key}/${CANARY.value}`);
    await ok('kv:put', { profileId: good, key: k8sKey, value: utf8(`{"kind":"Widget","metadata":{"name":"${CANARY.value}"}}`) });
    await ok('k8s:decode', { value: utf8(`{"kind":"Widget","data":"${CANARY.value}"}`), modRevision: 3 });
    // Above K8S_WORKER_THRESHOLD: decoded in the worker thread; a value that is not Kubernetes' is an answer, not a failure.
    await ok('k8s:decode', { value: utf8(`{"kind":"Widget","data":"${CANARY.value}","pad":"${'x'.repeat(300_000)}"}`), modRevision: 3 });
    await ok('k8s:decode', { value: b64(`k8s\0${CANARY.binaryValue}${'y'.repeat(300_000)}`) });
    // a custom resource: stored keys in Go's order re-encode, an edit gives the new JSON
    await ok('k8s:encode', { original: utf8(`{"data":"${CANARY.value}","kind":"Widget"}`), edited: `kind: Widget\ndata: ${CANARY.binaryValue}\n` });
    // keys not in Go's order: the original does not re-encode to its own bytes
    await failsWith('INVALID_ARGUMENT', 'k8s:encode', { original: utf8(`{"kind":"Widget","data":"${CANARY.value}"}`), edited: `kind: Widget\ndata: ${CANARY.binaryValue}\n` });
    // an unknown field in a built-in kind, and YAML that does not parse
    await failsWith('INVALID_ARGUMENT', 'k8s:encode', { original: { encoding: 'base64', data: Buffer.from(encodeK8sObject('v1', 'ConfigMap', { metadata: { name: 'c' } })).toString('base64') }, edited: `apiVersion: v1\nkind: ConfigMap\n${CANARY.key}: ${CANARY.value}\n` });
    await failsWith('INVALID_ARGUMENT', 'k8s:encode', { original: utf8(`{"data":"${CANARY.value}","kind":"Widget"}`), edited: `kind: Widget\ndata: [${CANARY.binaryValue}\n` });
    await ok('k8s:resources', { profileId: good, root: utf8('/registry/') });
    await ok('k8s:namespaces', { profileId: good, prefix: utf8('/registry/secrets/') });
    await ok('k8s:summaries', { profileId: good, keys: [k8sKey] });
    await ok('k8s:analyze', { profileId: good, root: utf8('/registry/') });

    // every channel: an invalid request carrying canaries, and a call from a foreign page
    for (const { name } of channels()) {
      const sample = sampleRequests[name] as Record<string, unknown> | undefined;
      const invalid = sample === undefined ? { password: CANARY.password, key: CANARY.key } : { ...sample, [CANARY.extraField]: CANARY.value };
      await call(name, invalid);
      await call(name, { profileId: good, key: utf8(CANARY.key), value: utf8(CANARY.value), password: CANARY.password }, foreignFrame);
    }

    await ok('connection:disconnect', { profileId: good });
    await ok('profiles:remove', { profileId: wrong });
    await handlers.dispose();

    // The canaries really went to etcd (the test is not vacuous) ...
    const stored = await etcd.etcdctl(['get', CANARY.key, '--print-value-only']);
    expect(stored.stdout.trim()).toBe(CANARY.value);
    // ... every channel was called validly, with an invalid request, and from a foreign page ...
    expect([...seen.valid].sort()).toEqual([...allChannels()].sort());
    expect([...seen.invalid].sort()).toEqual([...allChannels()].sort());
    expect([...seen.untrusted].sort()).toEqual([...allChannels()].sort());
    expect([...codes]).toEqual(expect.arrayContaining(['AUTH_FAILED', 'PERMISSION_DENIED', 'CONFLICT', 'TOO_LARGE', 'NOT_FOUND', 'NOT_CONNECTED', 'INVALID_ARGUMENT']));

    // ... the log tells what happened ...
    const files = readdirSync(logDir);
    expect(files).toContain('main.log');
    const log = files.map((f) => readFileSync(join(logDir, f), 'utf8')).join('\n');
    for (const code of ['AUTH_FAILED', 'PERMISSION_DENIED', 'CONFLICT', 'TOO_LARGE', 'NOT_FOUND', 'INVALID_ARGUMENT']) {
      expect(log, `the log names ${code}`).toContain(`"code":"${code}"`);
    }
    expect(log).toContain('refused a call from an untrusted sender');
    expect(log).toContain('refused an invalid request');
    expect(log).toContain('connection connected');
    expect(log).toContain('renderer error');
    expect(log.split('\n').length).toBeGreaterThan(50);

    if (process.env.SHOW_CANARY_LOG) console.log(log);
    // ... and none of the canaries is in it, in any form.
    const leaks = Object.entries(CANARY).flatMap(([name, secret]) =>
      forms(secret)
        .filter((f) => log.includes(f))
        .map((f) => `${name} as ${JSON.stringify(f)}`),
    );
    expect(leaks, leaks.length ? `leaked:\n${log.split('\n').filter((l) => Object.values(CANARY).some((c) => l.includes(c))).join('\n')}` : '').toEqual([]);
  }, 120_000);
});
