import { describe, expect, it } from 'vitest';
import { text, type Bytes } from '../../../src/shared/bytes';
import type { FolderChild, FolderChildren } from '../../../src/shared/types';
import { keyId } from '../../../src/renderer/src/features/keys/live-listing';
import { TREE_PAGE } from '../../../src/renderer/src/features/tree/tree-slice';
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
