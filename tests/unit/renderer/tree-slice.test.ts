import { describe, expect, it } from 'vitest';
import { text, type Bytes } from '../../../src/shared/bytes';
import type { FolderChild, FolderChildren } from '../../../src/shared/types';
import { keyId } from '../../../src/renderer/src/features/keys/live-listing';
import { ancestorsOf, TREE_PAGE } from '../../../src/renderer/src/features/tree/tree-slice';
import { fromUint8 } from '../../../src/shared/bytes';
import { entry, errR, flush, okR, page } from './fake-api';
import { setupStore } from './helpers';

const folder = (p: string): FolderChild => ({ kind: 'folder', prefix: text(p) });
const key = (k: string): FolderChild => ({ kind: 'key', ...entry(k) });
const answer = (children: FolderChild[], more = false, nextCursor: Bytes | null = null): FolderChildren => ({ children, more, nextCursor, revision: 42, roundTrips: 1 });

async function connected() {
  const ctx = await setupStore();
  ctx.fake.ep['kv:list'].handle(() => okR(page([])));
  ctx.fake.ep['kv:count'].handle(() => okR({ count: 0, revision: 1 }));
  await ctx.store.getState().switchProfile('a');
  await flush();
  return ctx;
}

describe('folder tree', () => {
  it('ancestors by delimiter, byte-wise', () => {
    expect(ancestorsOf(text('/registry/pods/ns/p'), '/')).toEqual([text('/'), text('/registry/'), text('/registry/pods/'), text('/registry/pods/ns/')]);
    expect(ancestorsOf(text('a/b/'), '/')).toEqual([text('a/'), text('a/b/')]);
    expect(ancestorsOf(text('flat'), '/')).toEqual([]);
    expect(ancestorsOf(text('a::b::c'), '::')).toEqual([text('a::'), text('a::b::')]);
    expect(ancestorsOf(fromUint8(new Uint8Array([0xff, 0x2f, 0xfe])), '/')).toEqual([fromUint8(new Uint8Array([0xff, 0x2f]))]);
  });

  it('reveals a key: expands each folder that holds it, reading further pages until the next one shows; counts on demand', async () => {
    const { store, fake } = await connected();
    const revealing = store.getState().revealInTree(text('a/b/k'));
    await flush();
    fake.ep['kv:children'].next().resolve(okR(answer([folder('0/')], true, text('0/0'))));
    await flush();
    // a/ is not on the first page of the root: the next page is read
    const more = fake.ep['kv:children'].next();
    expect(more.req).toMatchObject({ folder: text(''), cursor: text('0/0') });
    more.resolve(okR(answer([folder('a/')])));
    await flush();
    const a = fake.ep['kv:children'].next();
    expect(a.req.folder).toEqual(text('a/'));
    a.resolve(okR(answer([folder('a/b/')])));
    await flush();
    fake.ep['kv:children'].next().resolve(okR(answer([key('a/b/j'), key('a/b/k')])));
    expect(await revealing).toBe(true);
    expect([...store.getState().treeExpanded]).toEqual([keyId(text('a/')), keyId(text('a/b/'))]);

    // a key that is not there: false, nothing more read than the folders on its way
    const missing = store.getState().revealInTree(text('a/b/zzz'));
    await flush();
    expect(await missing).toBe(false);
    expect(fake.ep['kv:children'].pending).toHaveLength(0);

    fake.ep['kv:count'].handle((req) => okR({ count: req.prefix.data === 'a/' ? 12345 : 0, revision: 9 }));
    await store.getState().countFolder(text('a/'));
    expect(store.getState().treeCounts.get(keyId(text('a/')))).toEqual({ state: 'done', count: 12345, revision: 9 });
    fake.ep['kv:count'].handle(() => errR('UNAVAILABLE', 'down'));
    await store.getState().countFolder(text('a/b/'));
    expect(store.getState().treeCounts.get(keyId(text('a/b/')))).toMatchObject({ state: 'failed', error: { code: 'UNAVAILABLE' } });
  });

  it('opening reads the root by "/"; a folder expands once (its children kept while collapsed); "Show more" continues at the cursor and revision', async () => {
    const { store, fake } = await connected();
    store.getState().toggleTree(true);
    await flush();
    const root = fake.ep['kv:children'].next();
    expect(root.req).toEqual({ profileId: 'a', folder: text(''), delimiter: text('/'), limit: TREE_PAGE });
    root.resolve(okR(answer([folder('/'), key('top')])));
    await flush();
    expect(store.getState().treeNodes.get(keyId(text('')))?.children).toHaveLength(2);

    void store.getState().toggleFolder(text('/'));
    await flush();
    const sub = fake.ep['kv:children'].next();
    expect(sub.req.folder).toEqual(text('/'));
    sub.resolve(okR(answer([folder('/registry/'), key('/a')], true, text('/b'))));
    await flush();
    expect(store.getState().treeExpanded.has(keyId(text('/')))).toBe(true);

    void store.getState().loadMoreChildren(text('/'));
    await flush();
    const more = fake.ep['kv:children'].next();
    expect(more.req).toMatchObject({ folder: text('/'), cursor: text('/b'), revision: 42 });
    more.resolve(okR(answer([key('/b')])));
    await flush();
    expect(store.getState().treeNodes.get(keyId(text('/')))?.children.map((c) => c.kind)).toEqual(['folder', 'key', 'key']);

    void store.getState().toggleFolder(text('/'));
    void store.getState().toggleFolder(text('/'));
    await flush();
    expect(fake.ep['kv:children'].pending).toHaveLength(0);
    expect(store.getState().treeExpanded.has(keyId(text('/')))).toBe(true);
  });

  it('the delimiter is per profile; changing it reads the tree again with it', async () => {
    const { store, fake } = await connected();
    store.getState().toggleTree(true);
    await flush();
    fake.ep['kv:children'].next().resolve(okR(answer([])));
    await flush();
    store.getState().setTreeDelimiter(':');
    await flush();
    expect(fake.ep['kv:children'].next().req.delimiter).toEqual(text(':'));
    expect(store.getState().treeDelimiters).toEqual({ a: ':' });
    void store.getState().switchProfile('b');
    await flush();
    expect(store.getState().treeDelimiter()).toBe('/');
  });

  it("a profile switch resets the tree and drops the old connection's answer; a failure is kept on its folder", async () => {
    const { store, fake } = await connected();
    store.getState().toggleTree(true);
    await flush();
    const late = fake.ep['kv:children'].next();
    void store.getState().switchProfile('b');
    await flush();
    late.resolve(okR(answer([folder('old/')])));
    await flush();
    expect(store.getState().treeNodes.size).toBe(0);
    store.getState().ensureTreeRoot();
    await flush();
    const b = fake.ep['kv:children'].next();
    expect(b.req.profileId).toBe('b');
    b.resolve(errR('PERMISSION_DENIED'));
    await flush();
    expect(store.getState().treeNodes.get(keyId(text('')))?.error?.code).toBe('PERMISSION_DENIED');
  });
});
