import { describe, expect, it } from 'vitest';
import type { Bytes } from '../../../src/shared/bytes';
import { text } from '../../../src/shared/bytes';
import type { KeyValue, WatchBatch } from '../../../src/shared/types';
import { errR, flush, memoryEtcd, okR, useMemoryEtcd } from './fake-api';
import { setupStore } from './helpers';

async function watching(initial: Record<string, string> = { cfg: 'a\nb\nc\n', other: 'x' }) {
  const ctx = await setupStore();
  const mem = memoryEtcd(initial);
  useMemoryEtcd(ctx.fake, mem);
  let n = 0;
  ctx.fake.ep['watch:key'].handle((req) => okR({ subscriptionId: `w${++n}`, profileId: req.profileId, kind: 'watch-key', state: 'open' as const }));
  ctx.fake.ep['subscriptions:close'].handle((req) => okR({ subscriptionId: req.subscriptionId, profileId: req.profileId, kind: 'watch-key', state: 'ended' as const }));
  await ctx.store.getState().switchProfile('a');
  /** Someone else writes, and the key's watch reports it. */
  const theyPut = (key: string, value: string, subscriptionId = `w${n}`) => {
    mem.externalPut(key, value);
    const kv = mem.data.get(key)!;
    ctx.fake.emit('event:watch', batchOf(subscriptionId, mem.revision, [{ ...kv, type: 'put' }]));
    return kv;
  };
  const theyDelete = (key: string, subscriptionId = `w${n}`) => {
    const { value: _gone, ...old } = mem.data.get(key)!;
    void _gone;
    mem.externalDelete(key);
    ctx.fake.emit('event:watch', batchOf(subscriptionId, mem.revision, [{ ...old, type: 'delete', modRevision: mem.revision }]));
  };
  return { ...ctx, mem, theyPut, theyDelete, subscription: () => `w${n}` };
}

function batchOf(subscriptionId: string, revision: number, changes: Array<Omit<KeyValue, 'value'> & { type: 'put' | 'delete'; value?: Bytes }>): WatchBatch {
  return { profileId: 'a', subscriptionId, revision, changes };
}

describe('editor: the open key is watched', () => {
  it('opens watch:key from the loaded revision + 1, so nothing between the read and the watch is missed', async () => {
    const { store, fake } = await watching();
    await store.getState().selectKey(text('cfg'));
    await flush();
    const loaded = store.getState().loaded!;
    expect(fake.ep['watch:key'].requests).toEqual([{ profileId: 'a', key: text('cfg'), startRevision: loaded.modRevision + 1 }]);
    expect(store.getState().keyWatch.state).toBe('live');
  });

  it('a change by someone else while the user edits: said at once with their value; the draft is untouched', async () => {
    const { store, theyPut } = await watching();
    await store.getState().selectKey(text('cfg'));
    await flush();
    const loaded = store.getState().loaded!;
    store.getState().setDraft('A\nb\nc\n');
    const theirs = theyPut('cfg', 'a\nb\nC\n');
    const s = store.getState();
    expect(s.remote).toEqual({ revision: theirs.modRevision, current: expect.objectContaining({ value: text('a\nb\nC\n'), modRevision: theirs.modRevision }), reloaded: false });
    expect(s.draft).toBe('A\nb\nc\n');
    expect(s.dirty).toBe(true);
    expect(s.loaded).toBe(loaded); // still the base of the draft
    expect(s.conflict).toBeNull();
    // The grid row shows the revision that is really current.
    expect(s.items.find((i) => i.key.data === 'cfg')?.modRevision).toBe(theirs.modRevision);
  });

  it('then Save opens the merge (never overwrites), and saving the merge lands both changes', async () => {
    const { store, fake, mem, theyPut } = await watching({ cfg: 'a\nb\nc\nd\ne\n' });
    await store.getState().selectKey(text('cfg'));
    await flush();
    store.getState().setDraft('A\nb\nc\nd\ne\n');
    const theirs = theyPut('cfg', 'a\nb\nc\nd\nE\n');
    await store.getState().save();
    expect(store.getState().conflict?.merged).toBe('A\nb\nc\nd\nE\n');
    expect(store.getState().remote).toBeNull(); // the conflict view shows it now
    await store.getState().resolveConflict('save');
    expect(fake.ep['kv:put'].requests.at(-1)?.expectedModRevision).toBe(theirs.modRevision);
    expect(mem.data.get('cfg')?.value).toEqual(text('A\nb\nc\nd\nE\n'));
  });

  it('with nothing unsaved the panel reloads to their value and says so briefly', async () => {
    const { store, theyPut } = await watching();
    await store.getState().selectKey(text('cfg'));
    await flush();
    const theirs = theyPut('cfg', 'new\n');
    const s = store.getState();
    expect(s.draft).toBe('new\n');
    expect(s.loaded?.modRevision).toBe(theirs.modRevision);
    expect(s.dirty).toBe(false);
    expect(s.remote).toMatchObject({ revision: theirs.modRevision, reloaded: true });
    expect(s.items.find((i) => i.key.data === 'cfg')?.modRevision).toBe(theirs.modRevision);
    store.getState().dismissRemote();
    expect(store.getState().remote).toBeNull();
  });

  it('a delete by someone else: with a draft it is said and kept; Save then offers recreate; without a draft the key shows as gone', async () => {
    const { store, theyDelete, mem } = await watching();
    await store.getState().selectKey(text('cfg'));
    await flush();
    store.getState().setDraft('mine\n');
    theyDelete('cfg');
    expect(store.getState().remote).toMatchObject({ revision: mem.revision, current: null, reloaded: false });
    expect(store.getState().draft).toBe('mine\n');
    await store.getState().save();
    expect(store.getState().conflict?.current).toBeNull();

    await store.getState().selectKey(text('other'), { force: true });
    await flush();
    theyDelete('other');
    expect(store.getState().editorStatus).toBe('missing');
    expect(store.getState().remote).toMatchObject({ current: null, reloaded: true });
    expect(store.getState().items.some((i) => i.key.data === 'other')).toBe(false);
  });

  it('ignores its own write even when the watch event overtakes the answer of the put', async () => {
    const { store, fake, mem } = await watching();
    await store.getState().selectKey(text('cfg'));
    await flush();
    const sub = 'w1';
    store.getState().setDraft('mine\n');
    fake.ep['kv:put'].handle(null);
    const saving = store.getState().save();
    await flush();
    const call = fake.ep['kv:put'].next();
    const answer = mem.put(call.req);
    const written = mem.data.get('cfg')!;
    fake.emit('event:watch', batchOf(sub, mem.revision, [{ ...written, type: 'put' }]));
    call.resolve(answer);
    await saving;
    expect(store.getState().remote).toBeNull();
    expect(store.getState().dirty).toBe(false);
    expect(store.getState().loaded?.modRevision).toBe(written.modRevision);
  });

  it('a change that lands while a save is in flight is shown after the answer (and the save conflicts)', async () => {
    const { store, fake, mem } = await watching();
    await store.getState().selectKey(text('cfg'));
    await flush();
    store.getState().setDraft('mine\n');
    fake.ep['kv:put'].handle(null);
    const saving = store.getState().save();
    await flush();
    mem.externalPut('cfg', 'theirs\n');
    fake.emit('event:watch', batchOf('w1', mem.revision, [{ ...mem.data.get('cfg')!, type: 'put' }]));
    const call = fake.ep['kv:put'].next();
    call.resolve(mem.put(call.req));
    await saving;
    expect(store.getState().conflict?.current?.value).toEqual(text('theirs\n'));
    expect(mem.data.get('cfg')?.value).toEqual(text('theirs\n'));
  });

  it('closes the watch when another key opens, the editor is cleared, or the connection changes; late batches do nothing', async () => {
    const { store, fake, theyPut } = await watching();
    await store.getState().selectKey(text('cfg'));
    await flush();
    await store.getState().selectKey(text('other'));
    await flush();
    expect(fake.ep['subscriptions:close'].requests).toEqual([{ profileId: 'a', subscriptionId: 'w1' }]);
    theyPut('cfg', 'late\n', 'w1');
    expect(store.getState().remote).toBeNull();
    expect(fake.ep['watch:key'].requests.at(-1)?.key).toEqual(text('other'));

    store.getState().clearEditor();
    expect(fake.ep['subscriptions:close'].requests.at(-1)).toEqual({ profileId: 'a', subscriptionId: 'w2' });

    await store.getState().selectKey(text('cfg'));
    await flush();
    await store.getState().switchProfile('b');
    await flush();
    expect(fake.ep['subscriptions:close'].requests.at(-1)).toEqual({ profileId: 'a', subscriptionId: 'w3' });
    expect(store.getState().keyWatch.state).toBe('off');
  });

  it('a watch that cannot open is said quietly; saving still detects changes', async () => {
    const { store, fake } = await watching();
    fake.ep['watch:key'].handle(() => errR('PERMISSION_DENIED', 'no watch for you'));
    await store.getState().selectKey(text('cfg'));
    await flush();
    expect(store.getState().keyWatch).toEqual({ state: 'failed', error: expect.objectContaining({ code: 'PERMISSION_DENIED' }) });
    expect(store.getState().editorStatus).toBe('ready');
  });

  it('after a resync (changes lost) it reads the key and shows a change it finds', async () => {
    const { store, fake, mem } = await watching();
    await store.getState().selectKey(text('cfg'));
    await flush();
    store.getState().setDraft('mine\n');
    mem.externalPut('cfg', 'changed while the watch was down\n');
    fake.emit('event:watch', { profileId: 'a', subscriptionId: 'w1', revision: mem.revision, changes: [], resync: { reason: 'compacted', message: 'compacted' } });
    await flush();
    expect(store.getState().remote).toMatchObject({ revision: mem.revision, reloaded: false });
    expect(store.getState().draft).toBe('mine\n');
  });
});
