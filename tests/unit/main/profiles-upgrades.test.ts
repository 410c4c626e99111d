/**
 * Profiles survive upgrades and downgrades: a version number with numbered migrations; a
 * newer file is used read-only and never moved or overwritten; unknown fields and invalid
 * profiles are kept; a killed save's temp file is cleaned up; concurrent first loads load once.
 */
import { promises as fsPromises } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CURRENT_VERSION, migrations, parseFile } from '../../../src/main/core/profiles/file-format';
import { PROFILES_FILE, ProfileStore } from '../../../src/main/core/profiles/store';
import { createHandlers } from '../../../src/main/core/handlers';
import { errorOf, testCipher, unwrap } from '../../support/harness';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etcd-desktop-upgrades-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const handlers = () => createHandlers({ profilesDir: dir, cipher: testCipher(), emit: () => undefined });
const file = () => join(dir, PROFILES_FILE);
const onDisk = async () => JSON.parse(await readFile(file(), 'utf8'));
const profile = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: `n-${id}`, endpoints: ['http://127.0.0.1:2379'], deadlineMs: 5000, ...extra });

describe('versions and migrations', () => {
  it('every version below the current one has a migration, and they chain to the current version', () => {
    for (let v = 1; v < CURRENT_VERSION; v++) expect(typeof migrations[v], `migration from ${v}`).toBe('function');
    const parsed = parseFile({ version: 1, profiles: [profile('a')] });
    expect(parsed).toMatchObject({ version: 1, newer: false, profiles: [expect.objectContaining({ id: 'a' })], problems: [] });
  });

  it('a version-1 file loads and is written back as the current version, profiles unchanged', async () => {
    await writeFile(file(), JSON.stringify({ version: 1, profiles: [profile('a'), profile('b', { color: '#f00' })] }));
    const h = handlers();
    expect(unwrap(await h['profiles:list']()).profiles.map((p) => p.id)).toEqual(['a', 'b']);
    unwrap(await h['profiles:save']({ name: 'c', endpoints: ['http://127.0.0.1:2379'] }));
    const disk = await onDisk();
    expect(disk.version).toBe(CURRENT_VERSION);
    expect(disk.profiles.slice(0, 2)).toEqual([profile('a'), profile('b', { color: '#f00' })]);
  });

  it('a file without a version number is moved aside as unreadable', async () => {
    await writeFile(file(), JSON.stringify({ profiles: [profile('a')] }));
    const state = unwrap(await handlers()['profiles:list']());
    expect(state.notices[0]).toMatch(/unexpected shape.*version/);
  });
});

describe('a file from a newer version', () => {
  const newer = { version: CURRENT_VERSION + 1, profiles: [profile('a', { futureField: { x: 1 } })], futureTop: true };

  it('is used read-only with a notice, refuses saves and removals, and is never moved or changed', async () => {
    const text = JSON.stringify(newer);
    await writeFile(file(), text);
    const h = handlers();
    const state = unwrap(await h['profiles:list']());
    expect(state.profiles.map((p) => p.id)).toEqual(['a']);
    expect(state.notices.join('\n')).toMatch(/newer version of etcd desktop.*read-only/);
    expect(JSON.stringify(state.profiles)).not.toContain('futureField');

    expect(errorOf(await h['profiles:save']({ name: 'x', endpoints: ['http://127.0.0.1:2379'] })).code).toBe('READ_ONLY');
    expect(errorOf(await h['profiles:save']({ id: 'a', name: 'renamed', endpoints: ['http://127.0.0.1:2379'] })).code).toBe('READ_ONLY');
    expect(errorOf(await h['profiles:remove']({ profileId: 'a' })).code).toBe('READ_ONLY');
    expect(await readFile(file(), 'utf8')).toBe(text);
    expect(await readdir(dir)).toEqual([PROFILES_FILE]);
  });

  it('whose shape this version cannot read is still never moved aside', async () => {
    const text = JSON.stringify({ version: CURRENT_VERSION + 5, connections: [] });
    await writeFile(file(), text);
    const h = handlers();
    const state = unwrap(await h['profiles:list']());
    expect(state.notices.join('\n')).toMatch(/newer version/);
    expect(errorOf(await h['profiles:save']({ name: 'x', endpoints: ['http://127.0.0.1:2379'] })).code).toBe('READ_ONLY');
    expect(await readFile(file(), 'utf8')).toBe(text);
    expect(await readdir(dir)).toEqual([PROFILES_FILE]);
  });
});

describe('what this version does not know is kept', () => {
  it('unknown fields of the file, of a profile and of its TLS survive an edit of that profile', async () => {
    await writeFile(
      file(),
      JSON.stringify({
        version: CURRENT_VERSION,
        theme: 'kept',
        profiles: [profile('a', { readOnly: true, tls: { caFile: '/ca.pem', pinned: 'sha256:abc' } })],
      }),
    );
    const h = handlers();
    unwrap(await h['profiles:save']({ id: 'a', name: 'renamed', endpoints: ['http://127.0.0.1:2379'], tls: { caFile: '/ca2.pem' } }));
    const disk = await onDisk();
    expect(disk.theme).toBe('kept');
    expect(disk.profiles[0]).toMatchObject({ id: 'a', name: 'renamed', readOnly: true, tls: { caFile: '/ca2.pem', pinned: 'sha256:abc' } });
  });

  it('one invalid profile is reported and skipped, the others load, and it stays in the file after a save', async () => {
    const broken = { id: 'bad', name: 'Broken', endpoints: 'not-a-list', deadlineMs: 5000 };
    await writeFile(file(), JSON.stringify({ version: CURRENT_VERSION, profiles: [profile('a'), broken, profile('b'), profile('a')] }));
    const h = handlers();
    const state = unwrap(await h['profiles:list']());
    expect(state.profiles.map((p) => p.id)).toEqual(['a', 'b']);
    expect(state.notices).toEqual([
      expect.stringMatching(/“Broken” is not valid \(endpoints: .*\): it is skipped here and kept in the file unchanged/),
      expect.stringMatching(/“n-a” has the same id as another one/),
    ]);
    unwrap(await h['profiles:save']({ id: 'b', name: 'b2', endpoints: ['http://127.0.0.1:2379'] }));
    const disk = await onDisk();
    expect(disk.profiles).toContainEqual(broken);
    expect(disk.profiles).toHaveLength(4);
  });
});

describe('starting after trouble', () => {
  it('temp files left by a killed save are removed at the next start; the file is intact', async () => {
    await writeFile(file(), JSON.stringify({ version: CURRENT_VERSION, profiles: [profile('a')] }));
    await writeFile(join(dir, `${PROFILES_FILE}.4242.0f8e.tmp`), '{"version": 2, "profiles": [');
    await writeFile(join(dir, 'unrelated.tmp'), 'not ours');
    expect(unwrap(await handlers()['profiles:list']()).profiles.map((p) => p.id)).toEqual(['a']);
    expect((await readdir(dir)).sort()).toEqual([PROFILES_FILE, 'unrelated.tmp']);
  });

  it('two first loads at the same time read the file once', async () => {
    await writeFile(file(), JSON.stringify({ version: CURRENT_VERSION, profiles: [profile('a')] }));
    const read = vi.spyOn(fsPromises, 'readFile');
    try {
      const store = new ProfileStore(dir, testCipher());
      const [x, y] = await Promise.all([store.list(), store.state()]);
      expect(x.map((p) => p.id)).toEqual(['a']);
      expect(y.profiles.map((p) => p.id)).toEqual(['a']);
      expect(read.mock.calls.filter(([f]) => String(f) === file())).toHaveLength(1);
    } finally {
      read.mockRestore();
    }
  });

  it('two first loads of a corrupt file move it aside once and report it once', async () => {
    await writeFile(file(), '{ not json');
    const store = new ProfileStore(dir, testCipher());
    const [a, b] = await Promise.all([store.state(), store.state()]);
    expect(a.notices).toHaveLength(1);
    expect(b.notices).toHaveLength(1);
    expect((await readdir(dir)).filter((f) => f.includes('.corrupt-'))).toHaveLength(1);
  });
});
