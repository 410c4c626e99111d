import { promises as fsPromises } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileStore, PROFILES_FILE } from '../../../src/main/core/profiles/store';
import { createHandlers } from '../../../src/main/core/handlers';
import { contract } from '../../../src/shared/contract';
import { testCipher, unwrap, errorOf } from '../../support/harness';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etcd-desktop-profiles-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const handlers = (cipher = testCipher()) => createHandlers({ profilesDir: dir, cipher, emit: () => undefined });

describe('profiles', () => {
  it('a first run has one profile, Local, at 127.0.0.1:2379', async () => {
    const state = unwrap(await handlers()['profiles:list']());
    expect(state.profiles).toEqual([
      expect.objectContaining({ name: 'Local', endpoints: ['http://127.0.0.1:2379'], hasPassword: false, deadlineMs: 5000 }),
    ]);
    expect(state.notices).toEqual([]);
  });

  it('saves, updates and removes; survives a restart', async () => {
    const h = handlers();
    const p = unwrap(await h['profiles:save']({ name: ' prod ', endpoints: ['https://10.0.0.1:2379', '10.0.0.2:2379'], deadlineMs: 2000 }));
    expect(p.name).toBe('prod');
    unwrap(await h['profiles:save']({ id: p.id, name: 'prod-eu', endpoints: p.endpoints, color: '#f00' }));
    const again = unwrap(await handlers()['profiles:list']()).profiles;
    expect(again.map((x) => x.name)).toEqual(['Local', 'prod-eu']);
    expect(again[1]).toMatchObject({ deadlineMs: 2000, color: '#f00' });
    unwrap(await h['profiles:remove']({ profileId: p.id }));
    expect(unwrap(await handlers()['profiles:list']()).profiles.map((x) => x.name)).toEqual(['Local']);
    expect(errorOf(await h['profiles:remove']({ profileId: p.id })).code).toBe('NOT_FOUND');
  });

  it('modes: a file without the field loads as normal; a chosen mode is stored, kept when absent, and survives a restart', async () => {
    await writeFile(
      join(dir, PROFILES_FILE),
      JSON.stringify({ version: 2, profiles: [{ id: 'old', name: 'Old', endpoints: ['127.0.0.1:2379'], deadlineMs: 5000 }] }),
    );
    const h = handlers();
    expect(unwrap(await h['profiles:list']()).profiles[0]).toMatchObject({ id: 'old', mode: 'normal' });
    const p = unwrap(await h['profiles:save']({ name: 'prod', endpoints: ['127.0.0.1:2379'], mode: 'production' }));
    expect(p.mode).toBe('production');
    unwrap(await h['profiles:save']({ id: p.id, name: 'prod', endpoints: ['127.0.0.1:2379'] }));
    unwrap(await h['profiles:save']({ id: 'old', name: 'Old', endpoints: ['127.0.0.1:2379'], mode: 'read-only' }));
    expect(unwrap(await handlers()['profiles:list']()).profiles.map((x) => [x.name, x.mode])).toEqual([
      ['Old', 'read-only'],
      ['prod', 'production'],
    ]);
    expect(contract.profiles.save.request.safeParse({ name: 'x', endpoints: ['127.0.0.1:2379'], mode: 'locked' }).success).toBe(false);
  });

  it('a mode this version does not know (a newer file) is used as read-only, and kept in the file', async () => {
    await writeFile(
      join(dir, PROFILES_FILE),
      JSON.stringify({ version: 2, profiles: [{ id: 'n', name: 'Newer', endpoints: ['127.0.0.1:2379'], deadlineMs: 5000, mode: 'locked-down' }] }),
    );
    const store = new ProfileStore(dir, testCipher());
    expect(await store.modeOf('n')).toEqual({ name: 'Newer', mode: 'read-only' });
    expect((await store.list())[0]?.mode).toBe('read-only');
    await store.save({ name: 'other', endpoints: ['127.0.0.1:2379'] });
    expect(JSON.parse(await readFile(join(dir, PROFILES_FILE), 'utf8')).profiles[0].mode).toBe('locked-down');
  });

  it('writes atomically: no temp files left, the file is whole JSON at every step', async () => {
    const h = handlers();
    await Promise.all(Array.from({ length: 20 }, (_, i) => h['profiles:save']({ name: `p${i}`, endpoints: ['127.0.0.1:2379'] })));
    const files = await readdir(dir);
    expect(files).toEqual([PROFILES_FILE]);
    const parsed = JSON.parse(await readFile(join(dir, PROFILES_FILE), 'utf8'));
    expect(parsed.profiles).toHaveLength(21);
  });

  it('a failed write changes nothing in memory or on disk, and leaves no temp file', async () => {
    const h = handlers();
    unwrap(await h['profiles:save']({ name: 'a', endpoints: ['127.0.0.1:2379'] }));
    const before = await readFile(join(dir, PROFILES_FILE), 'utf8');
    const rename = vi.spyOn(fsPromises, 'rename').mockRejectedValueOnce(Object.assign(new Error('no space left'), { code: 'ENOSPC' }));
    try {
      const r = await h['profiles:save']({ name: 'b', endpoints: ['127.0.0.1:2379'] });
      expect(errorOf(r).code).toBe('INTERNAL');
      expect(rename).toHaveBeenCalledTimes(1);
    } finally {
      rename.mockRestore();
    }
    expect(await readFile(join(dir, PROFILES_FILE), 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual([PROFILES_FILE]);
    expect(unwrap(await h['profiles:list']()).profiles.map((p) => p.name)).toEqual(['Local', 'a']);
  });

  it('a corrupt file is moved aside, reported, and the app still starts', async () => {
    await writeFile(join(dir, PROFILES_FILE), '{"version":1,"profiles":[{"id":');
    const state = unwrap(await handlers()['profiles:list']());
    expect(state.profiles.map((p) => p.name)).toEqual(['Local']);
    expect(state.notices).toHaveLength(1);
    expect(state.notices[0]).toMatch(/not valid JSON/);
    const files = await readdir(dir);
    const backup = files.find((f) => f.startsWith(`${PROFILES_FILE}.corrupt-`));
    expect(backup).toBeDefined();
    expect(await readFile(join(dir, backup!), 'utf8')).toBe('{"version":1,"profiles":[{"id":');
  });

  it('a file with the wrong shape is also moved aside', async () => {
    await writeFile(join(dir, PROFILES_FILE), JSON.stringify({ version: 1, profiles: { id: 'x' } }));
    const state = unwrap(await handlers()['profiles:list']());
    expect(state.notices[0]).toMatch(/unexpected shape/);
    expect((await readdir(dir)).some((f) => f.startsWith(`${PROFILES_FILE}.corrupt-`))).toBe(true);
  });

  it('secrets are encrypted at rest and never returned', async () => {
    const cipher = testCipher();
    const h = handlers(cipher);
    const p = unwrap(await h['profiles:save']({ name: 's', endpoints: ['127.0.0.1:2379'], username: 'root', password: 'hunter2' }));
    expect(p).toMatchObject({ hasPassword: true });
    expect(JSON.stringify(p)).not.toContain('hunter2');
    expect(cipher.encrypted).toEqual(['hunter2']);
    const disk = await readFile(join(dir, PROFILES_FILE), 'utf8');
    expect(disk).not.toContain('hunter2');
    expect(JSON.stringify(unwrap(await h['profiles:list']()))).not.toContain('hunter2');
    // An edit without a password keeps it; null clears it.
    expect(unwrap(await h['profiles:save']({ id: p.id, name: 's2', endpoints: ['127.0.0.1:2379'], username: 'root' })).hasPassword).toBe(true);
    const store = new ProfileStore(dir, cipher);
    expect((await store.resolve(p.id)).password).toBe('hunter2');
    expect(unwrap(await h['profiles:save']({ id: p.id, name: 's2', endpoints: ['127.0.0.1:2379'], password: null })).hasPassword).toBe(false);
  });

  it('without OS encryption a password is refused unless the user explicitly allows plaintext', async () => {
    const h = handlers(testCipher(false));
    expect(unwrap(await h['profiles:list']()).secretStorage).toBe('unavailable');
    const e = errorOf(await h['profiles:save']({ name: 'x', endpoints: ['127.0.0.1:2379'], username: 'u', password: 'pw' }));
    expect(e).toMatchObject({ code: 'SECRET_STORAGE_UNAVAILABLE', details: { field: 'password' } });
    // Nothing was written.
    expect(unwrap(await h['profiles:list']()).profiles.map((p) => p.name)).toEqual(['Local']);
    const ok = unwrap(
      await h['profiles:save']({ name: 'x', endpoints: ['127.0.0.1:2379'], username: 'u', password: 'pw', allowPlaintextPassword: true }),
    );
    expect(ok).toMatchObject({ hasPassword: true, passwordPlaintext: true });
    expect(JSON.stringify(ok)).not.toContain('"pw"');
  });
});

describe('a saved password goes only where it was saved for', () => {
  it('test and save with other endpoints, user or TLS need the password again', async () => {
    const cipher = testCipher();
    const h = handlers(cipher);
    const p = unwrap(await h['profiles:save']({ name: 'prod', endpoints: ['https://10.0.0.1:2379'], username: 'root', password: 'S3cret!' }));
    for (const change of [
      { endpoints: ['http://127.0.0.1:9'] },
      { endpoints: ['https://10.0.0.1:2379'], username: 'other' },
      { endpoints: ['https://10.0.0.1:2379'], username: 'root', tls: { caFile: '/tmp/evil-ca.pem' } },
    ]) {
      const input = { id: p.id, name: 'prod', username: 'root', ...change };
      expect(errorOf(await h['profiles:test'](input))).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'password' } });
      expect(errorOf(await h['profiles:save'](input))).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'password' } });
    }
    // Nothing changed on disk.
    const store = new ProfileStore(dir, cipher);
    expect(await store.resolve(p.id)).toMatchObject({ endpoints: ['https://10.0.0.1:2379'], username: 'root', password: 'S3cret!' });
    // With the password re-entered (or cleared) the change is accepted.
    unwrap(await h['profiles:save']({ id: p.id, name: 'prod', endpoints: ['https://10.0.0.2:2379'], username: 'root', password: 'S3cret!' }));
    unwrap(await h['profiles:save']({ id: p.id, name: 'prod', endpoints: ['https://10.0.0.3:2379'], username: 'root', password: null }));
  });
});
