import { describe, expect, it } from 'vitest';
import { text } from '../../../src/shared/bytes';
import { PAGE_SIZE } from '../../../src/renderer/src/features/keys/keys-slice';
import { entry, errR, flush, memoryEtcd, okR, page, useMemoryEtcd } from './fake-api';
import { setupStore } from './helpers';

const many = (from: number, n: number) => Array.from({ length: n }, (_, i) => entry(`k/${String(from + i).padStart(6, '0')}`));

describe('key listing', () => {
  it('asks for the first page at the latest revision, counts the prefix at that revision (kv:count), then pins later pages to it', async () => {
    const { store, fake } = await setupStore();
    await store.getState().setPrefix('k/');
    void store.getState().switchProfile('a');
    await flush();

    const first = fake.ep['kv:list'].next();
    expect(first.req).toEqual({ profileId: 'a', prefix: text('k/'), limit: 500, revision: 0, keysOnly: true });
    first.resolve(okR(page(many(0, PAGE_SIZE), { more: true, nextCursor: text('k/000499\0'), revision: 42 })));
    await flush();
    expect(store.getState().items).toHaveLength(500);
    // the rows are shown before the count arrives
    expect(store.getState().total).toBeNull();
    const count = fake.ep['kv:count'].next();
    expect(count.req).toEqual({ profileId: 'a', prefix: text('k/'), revision: 42 });
    count.resolve(okR({ count: 1234, revision: 42 }));
    await flush();
    expect(store.getState().total).toBe(1234);
    expect(store.getState().listRevision).toBe(42);

    // Two scroll triggers in a row make one request.
    void store.getState().loadNextPage();
    void store.getState().loadNextPage();
    await flush();
    expect(fake.ep['kv:list'].pending).toHaveLength(1);
    const second = fake.ep['kv:list'].next();
    expect(second.req).toMatchObject({ profileId: 'a', prefix: text('k/'), cursor: text('k/000499\0'), limit: 500, revision: 42, keysOnly: true });
    expect(second.req.count).toBeUndefined();
    second.resolve(okR(page(many(500, 500), { more: true, nextCursor: text('k/000999\0'), revision: 42 })));
    await flush();
    expect(store.getState().items).toHaveLength(1000);
    expect(store.getState().items[500].key).toEqual(text('k/000500'));

    void store.getState().loadNextPage();
    await flush();
    const third = fake.ep['kv:list'].next();
    expect(third.req).toMatchObject({ cursor: text('k/000999\0'), revision: 42 });
    third.resolve(okR(page(many(1000, 234), { more: false, nextCursor: null, revision: 42 })));
    await flush();
    expect(store.getState().items).toHaveLength(1234);
    expect(store.getState().more).toBe(false);

    void store.getState().loadNextPage();
    await flush();
    expect(fake.ep['kv:list'].pending).toHaveLength(0);
  });

  it('drops pages of a listing replaced by a reload', async () => {
    const { store, fake } = await setupStore();
    void store.getState().switchProfile('a');
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page(many(0, 500), { more: true, nextCursor: text('x'), revision: 10 })));
    await flush();
    fake.ep['kv:count'].next().resolve(okR({ count: 900, revision: 10 }));
    await flush();
    void store.getState().loadNextPage();
    await flush();
    const stalePage = fake.ep['kv:list'].next();
    void store.getState().reloadKeys();
    await flush();
    const fresh = fake.ep['kv:list'].next();
    expect(fresh.req.revision).toBe(0);
    expect(fresh.req.cursor).toBeUndefined();
    stalePage.resolve(okR(page(many(500, 400), { revision: 10 })));
    await flush();
    // The old listing's rows stay while it is listed again, but its next page is not added.
    expect(store.getState().items).toHaveLength(500);
    expect(store.getState().listLoading).toBe(true);
    fresh.resolve(okR(page(many(0, 3), { revision: 11, count: 3 })));
    await flush();
    expect(store.getState().items).toHaveLength(3);
    expect(store.getState().listRevision).toBe(11);
  });

  it('offers a reload when the pinned revision was compacted', async () => {
    const { store, fake } = await setupStore();
    void store.getState().switchProfile('a');
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page(many(0, 500), { more: true, nextCursor: text('x'), revision: 10 })));
    await flush();
    fake.ep['kv:count'].next().resolve(okR({ count: 900, revision: 10 }));
    await flush();
    void store.getState().loadNextPage();
    await flush();
    fake.ep['kv:list'].next().resolve(errR('COMPACTED', 'mvcc: required revision has been compacted'));
    await flush();
    // The grid shows it (with Reload, by its code); nothing else does.
    expect(store.getState().listError?.code).toBe('COMPACTED');
    expect(store.getState().statusMessage).toBeNull();
    expect(store.getState().items).toHaveLength(500); // what was loaded stays
    void store.getState().reloadKeys();
    await flush();
    expect(fake.ep['kv:list'].next().req).toMatchObject({ revision: 0 });
  });

  it('a count that arrives after the listing was replaced is dropped; a failed count leaves the total unknown', async () => {
    const { store, fake } = await setupStore();
    void store.getState().switchProfile('a');
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page(many(0, 500), { more: true, nextCursor: text('x'), revision: 10 })));
    await flush();
    const stale = fake.ep['kv:count'].next();
    void store.getState().reloadKeys();
    await flush();
    stale.resolve(okR({ count: 999_999, revision: 10 }));
    await flush();
    expect(store.getState().total).toBeNull();
    fake.ep['kv:list'].next().resolve(okR(page(many(0, 500), { more: true, nextCursor: text('x'), revision: 11 })));
    await flush();
    fake.ep['kv:count'].next().resolve(errR('TIMEOUT'));
    await flush();
    expect(store.getState().total).toBeNull();
    expect(store.getState().items).toHaveLength(500);
  });

  it('quick filter works on loaded keys only and does not call etcd', async () => {
    const { store, fake } = await setupStore();
    const { filterEntries } = await import('../../../src/renderer/src/features/keys/rows');
    void store.getState().switchProfile('a');
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page([entry('app/a'), entry('app/B'), entry('db/c')], { count: 3 })));
    await flush();
    store.getState().setFilter('APP/');
    expect(fake.ep['kv:list'].requests).toHaveLength(1);
    expect(filterEntries(store.getState().items, store.getState().filter).map((e) => e.key.data)).toEqual(['app/a', 'app/B']);
  });
});

describe('previews of the rows on screen (keys-only listing)', () => {
  const bare = (key: string, modRevision = 5) => {
    const { size: _s, preview: _p, truncated: _t, ...rest } = entry(key, modRevision);
    void _s;
    void _p;
    void _t;
    return rest;
  };
  const shown = (key: string, modRevision: number, value: string) => ({ key: text(key), modRevision, size: value.length, preview: text(value), truncated: false });

  async function listed() {
    const ctx = await setupStore();
    await ctx.store.getState().setPrefix('k/');
    void ctx.store.getState().switchProfile('a');
    await flush();
    ctx.fake.ep['kv:list'].next().resolve(okR(page([bare('k/a'), bare('k/b'), bare('k/c', 7), bare('k/d')], { revision: 42 })));
    await flush();
    return ctx;
  }

  it("asks once for the rows on screen at the listing's revision; fills size and preview where the revision matches", async () => {
    const { store, fake } = await listed();
    const rows = store.getState().items;
    expect(rows[0].size).toBeUndefined();
    store.getState().ensurePreviews(rows.slice(0, 3));
    store.getState().ensurePreviews(rows.slice(0, 3)); // the same rows again: no second call
    await flush();
    expect(fake.ep['kv:previews'].pending).toHaveLength(1);
    const call = fake.ep['kv:previews'].next();
    expect(call.req).toEqual({ profileId: 'a', keys: [text('k/a'), text('k/b'), text('k/c')], revision: 42, previewBytes: expect.any(Number) });
    // k/b was not read (the call's byte budget), k/c was read at another revision than its row.
    call.resolve(okR({ items: [shown('k/a', 5, 'alpha'), shown('k/c', 9, 'newer')], revision: 42 }));
    await flush();
    const after = store.getState().items;
    expect(after[0]).toMatchObject({ size: 5, preview: text('alpha') });
    expect(after[2].size).toBeUndefined();
    // The unread one is asked for again at once.
    const again = fake.ep['kv:previews'].next();
    expect(again.req.keys).toEqual([text('k/b')]);
    again.resolve(okR({ items: [shown('k/b', 5, 'beta')], revision: 42 }));
    await flush();
    expect(store.getState().items[1]).toMatchObject({ size: 4, preview: text('beta') });
    expect(fake.ep['kv:previews'].pending).toHaveLength(0);
  });

  it("the listing's revision compacted: asked again at the latest; a failure leaves the rows to be asked again later", async () => {
    const { store, fake } = await listed();
    store.getState().ensurePreviews(store.getState().items.slice(3, 4));
    await flush();
    fake.ep['kv:previews'].next().resolve(errR('COMPACTED'));
    await flush();
    const latest = fake.ep['kv:previews'].next();
    expect(latest.req.revision).toBeUndefined();
    latest.resolve(errR('UNAVAILABLE'));
    await flush();
    expect(store.getState().items[3].size).toBeUndefined();
    store.getState().ensurePreviews(store.getState().items.slice(3, 4));
    await flush();
    expect(fake.ep['kv:previews'].pending).toHaveLength(1);
  });
});

describe('delete and undo', () => {
  it('deletes with the loaded mod revision after confirmation, then Undo puts the value back with expectedModRevision 0', async () => {
    const { store, fake } = await setupStore();
    const mem = memoryEtcd({ 'cfg/a': 'hello', 'cfg/b': 'world' });
    useMemoryEtcd(fake, mem);
    await store.getState().switchProfile('a');
    await store.getState().selectKey(text('cfg/a'));
    const loadedRev = store.getState().loaded!.modRevision;

    store.getState().requestDelete();
    expect(store.getState().confirm?.subject).toBe('cfg/a');
    expect(fake.ep['kv:delete'].requests).toHaveLength(0); // nothing before the confirmation
    store.getState().resolveConfirm(true);
    await flush();
    expect(fake.ep['kv:delete'].requests[0]).toEqual({ profileId: 'a', key: text('cfg/a'), expectedModRevision: loadedRev });
    expect(store.getState().items.map((e) => e.key.data)).toEqual(['cfg/b']);
    expect(store.getState().total).toBe(1);
    expect(store.getState().selectedKey).toBeNull();
    const status = store.getState().statusMessage!;
    expect(status.action?.label).toBe('Undo');

    status.action!.run();
    await flush();
    expect(fake.ep['kv:put'].requests.at(-1)).toEqual({ profileId: 'a', key: text('cfg/a'), value: text('hello'), expectedModRevision: 0 });
    expect(mem.data.get('cfg/a')?.value).toEqual(text('hello'));
    expect(store.getState().items.map((e) => e.key.data)).toEqual(['cfg/a', 'cfg/b']);
    expect(store.getState().toasts.some((t) => t.kind === 'success' && t.text.includes('Restored'))).toBe(true);
  });

  it('Undo reports a conflict instead of overwriting a key re-created meanwhile', async () => {
    const { store, fake } = await setupStore();
    const mem = memoryEtcd({ 'cfg/a': 'hello' });
    useMemoryEtcd(fake, mem);
    await store.getState().switchProfile('a');
    await store.getState().deleteKey(text('cfg/a'));
    mem.externalPut('cfg/a', 'someone else');
    store.getState().statusMessage!.action!.run();
    await flush();
    expect(mem.data.get('cfg/a')?.value).toEqual(text('someone else'));
    expect(store.getState().statusMessage?.kind).toBe('error');
    expect(store.getState().statusMessage?.text).toMatch(/re-created meanwhile/);
  });

  it('a delete that conflicts leaves the key and offers a re-read', async () => {
    const { store, fake } = await setupStore();
    const mem = memoryEtcd({ 'cfg/a': 'hello' });
    useMemoryEtcd(fake, mem);
    await store.getState().switchProfile('a');
    await store.getState().selectKey(text('cfg/a'));
    mem.externalPut('cfg/a', 'changed');
    await store.getState().deleteKey(text('cfg/a'));
    expect(mem.data.has('cfg/a')).toBe(true);
    expect(store.getState().statusMessage?.code).toBe('CONFLICT');
    expect(store.getState().statusMessage?.action?.label).toBe('Re-read');
  });
});

describe('new key', () => {
  it('creates with expectedModRevision 0, and asks before overwriting an existing key', async () => {
    const { store, fake } = await setupStore();
    const mem = memoryEtcd({ 'cfg/a': 'old' });
    useMemoryEtcd(fake, mem);
    await store.getState().switchProfile('a');

    store.getState().openNewKey();
    store.getState().updateNewKey({ key: 'cfg/new', value: 'v1' });
    await store.getState().submitNewKey();
    expect(fake.ep['kv:put'].requests.at(-1)).toEqual({ profileId: 'a', key: text('cfg/new'), value: text('v1'), expectedModRevision: 0 });
    expect(store.getState().newKey).toBeNull();
    expect(store.getState().items.map((e) => e.key.data)).toEqual(['cfg/a', 'cfg/new']);
    expect(store.getState().selectedKey).toEqual(text('cfg/new'));

    store.getState().openNewKey();
    store.getState().updateNewKey({ key: 'cfg/a', value: 'replacement' });
    await store.getState().submitNewKey();
    const currentRev = mem.data.get('cfg/a')!.modRevision;
    expect(store.getState().newKey?.exists).toEqual({ modRevision: currentRev });
    expect(mem.data.get('cfg/a')?.value).toEqual(text('old')); // not overwritten yet

    await store.getState().submitNewKey({ overwrite: true });
    expect(fake.ep['kv:put'].requests.at(-1)).toMatchObject({ key: text('cfg/a'), expectedModRevision: currentRev });
    expect(mem.data.get('cfg/a')?.value).toEqual(text('replacement'));
    expect(store.getState().newKey).toBeNull();
  });

  it('keeps the dialog and its text after a failure', async () => {
    const { store, fake } = await setupStore();
    useMemoryEtcd(fake, memoryEtcd());
    await store.getState().switchProfile('a');
    fake.ep['kv:put'].handle(() => errR('PERMISSION_DENIED', 'etcdserver: permission denied'));
    store.getState().openNewKey();
    store.getState().updateNewKey({ key: 'secret/x', value: 'v' });
    await store.getState().submitNewKey();
    expect(store.getState().newKey).toMatchObject({ key: 'secret/x', value: 'v', busy: false, error: { code: 'PERMISSION_DENIED' } });
  });
});

describe('retrying a failed listing', () => {
  it('after a failed next page, asks for that page again (same cursor and revision); after a failed reload, lists again from the start', async () => {
    const { store, fake } = await setupStore();
    void store.getState().switchProfile('a');
    await flush();
    fake.ep['kv:list'].next().resolve(okR(page(many(0, 500), { more: true, nextCursor: text('x'), revision: 10 })));
    await flush();
    fake.ep['kv:count'].next().resolve(okR({ count: 900, revision: 10 }));
    await flush();
    void store.getState().loadNextPage();
    await flush();
    fake.ep['kv:list'].next().resolve(errR('UNAVAILABLE'));
    await flush();
    expect(store.getState().listError?.code).toBe('UNAVAILABLE');
    void store.getState().retryListing();
    await flush();
    expect(store.getState().listError).toBeNull();
    expect(fake.ep['kv:list'].next().req).toMatchObject({ cursor: text('x'), revision: 10 });

    void store.getState().reloadKeys();
    await flush();
    fake.ep['kv:list'].next().resolve(errR('UNAVAILABLE'));
    await flush();
    // The last listing stays, stale; retrying it is a reload, not its next page.
    expect(store.getState()).toMatchObject({ listStale: true, more: true, listError: { code: 'UNAVAILABLE' } });
    expect(store.getState().items).toHaveLength(500);
    void store.getState().retryListing();
    await flush();
    const again = fake.ep['kv:list'].next().req;
    expect(again).toMatchObject({ revision: 0 });
    expect(again.cursor).toBeUndefined();
  });
});
