import { describe, expect, it } from 'vitest';
import { text, toUint8, uint8ToBase64 } from '../../../src/shared/bytes';
import { MARK_MINE, MARK_SEP, MARK_THEIRS } from '../../../src/renderer/src/features/editor/three-way-merge';
import { errR, flush, memoryEtcd, useMemoryEtcd } from './fake-api';
import { setupStore } from './helpers';

const BASE = 'host=db-1\nport=5432\npool=10\n';

async function editing(initial: Record<string, string> = { cfg: BASE }) {
  const ctx = await setupStore();
  const mem = memoryEtcd(initial);
  useMemoryEtcd(ctx.fake, mem);
  await ctx.store.getState().switchProfile('a');
  return { ...ctx, mem };
}

const valueOf = (mem: ReturnType<typeof memoryEtcd>, k: string) => {
  const v = mem.data.get(k)?.value;
  return v?.encoding === 'utf8' ? v.data : v;
};

describe('conflict: three-way merge and compare-and-swap', () => {
  it('non-overlapping changes merge by themselves; saving the merge is a CAS on the current revision', async () => {
    const { store, fake, mem } = await editing();
    await store.getState().selectKey(text('cfg'));
    store.getState().setDraft('host=db-2\nport=5432\npool=10\n'); // mine: line 1
    mem.externalPut('cfg', 'host=db-1\nport=5432\npool=40\n'); // theirs: line 3
    const theirRev = mem.revision;
    await store.getState().save();

    const c = store.getState().conflict!;
    expect(c.textMerge).toBe(true);
    expect(c.mergeConflicts).toBe(0);
    expect(c.merged).toBe('host=db-2\nport=5432\npool=40\n');
    expect(valueOf(mem, 'cfg')).toBe('host=db-1\nport=5432\npool=40\n'); // nothing overwritten yet
    expect(store.getState().items.find((i) => i.key.data === 'cfg')?.modRevision).toBe(theirRev); // the grid row is current

    await store.getState().resolveConflict('save');
    expect(fake.ep['kv:put'].requests.at(-1)).toMatchObject({ value: text('host=db-2\nport=5432\npool=40\n'), expectedModRevision: theirRev });
    expect(valueOf(mem, 'cfg')).toBe('host=db-2\nport=5432\npool=40\n');
    const s = store.getState();
    expect(s.conflict).toBeNull();
    expect(s.dirty).toBe(false);
    expect(s.draft).toBe('host=db-2\nport=5432\npool=40\n');
    expect(s.loaded?.modRevision).toBe(mem.revision);
    expect(s.items.find((i) => i.key.data === 'cfg')?.modRevision).toBe(mem.revision);
  });

  it('overlapping changes are marked; saving is refused in words while markers remain; the edited result is saved', async () => {
    const { store, fake, mem } = await editing();
    await store.getState().selectKey(text('cfg'));
    store.getState().setDraft('host=db-1\nport=5432\npool=20\n');
    mem.externalPut('cfg', 'host=db-1\nport=5432\npool=40\n');
    await store.getState().save();
    const c = store.getState().conflict!;
    expect(c.mergeConflicts).toBe(1);
    expect(c.merged).toBe(['host=db-1', 'port=5432', MARK_MINE, 'pool=20', MARK_SEP, 'pool=40', MARK_THEIRS, ''].join('\n'));

    const puts = fake.ep['kv:put'].requests.length;
    await store.getState().resolveConflict('save');
    expect(fake.ep['kv:put'].requests).toHaveLength(puts);
    expect(store.getState().conflict?.refused).toMatch(/still has 1 conflict block/);

    store.getState().setMerged('host=db-1\nport=5432\npool=30\n');
    expect(store.getState().conflict?.refused).toBeNull();
    await store.getState().resolveConflict('save');
    expect(valueOf(mem, 'cfg')).toBe('host=db-1\nport=5432\npool=30\n');
    expect(store.getState().conflict).toBeNull();
  });

  it('a third write during the merge is caught as CONFLICT again, never overwritten; the next round merges against what the last merge was made from', async () => {
    const { store, fake, mem } = await editing();
    await store.getState().selectKey(text('cfg'));
    store.getState().setDraft('host=db-2\nport=5432\npool=10\n');
    mem.externalPut('cfg', 'host=db-1\nport=5432\npool=40\n');
    const secondRev = mem.revision;
    await store.getState().save();
    expect(store.getState().conflict?.round).toBe(1);

    mem.externalPut('cfg', 'host=db-1\nport=5432\npool=40\ntimeout=60\n'); // a third writer, while the user merges
    const thirdRev = mem.revision;
    await store.getState().resolveConflict('save');
    expect(fake.ep['kv:put'].requests.at(-1)?.expectedModRevision).toBe(secondRev);
    expect(valueOf(mem, 'cfg')).toBe('host=db-1\nport=5432\npool=40\ntimeout=60\n'); // theirs kept

    const c = store.getState().conflict!;
    expect(c.round).toBe(2);
    expect(c.base?.modRevision).toBe(secondRev);
    expect(c.current?.modRevision).toBe(thirdRev);
    expect(c.mine).toEqual(text('host=db-2\nport=5432\npool=40\n'));
    expect(c.merged).toBe('host=db-2\nport=5432\npool=40\ntimeout=60\n');
    await store.getState().resolveConflict('save');
    expect(fake.ep['kv:put'].requests.at(-1)?.expectedModRevision).toBe(thirdRev);
    expect(valueOf(mem, 'cfg')).toBe('host=db-2\nport=5432\npool=40\ntimeout=60\n');
  });

  it('"Keep editing" rebases: the merged result becomes the draft on the current revision, and the next save is a CAS on it', async () => {
    const { store, fake, mem } = await editing();
    await store.getState().selectKey(text('cfg'));
    store.getState().setDraft('host=db-2\nport=5432\npool=10\n');
    mem.externalPut('cfg', 'host=db-1\nport=5432\npool=40\n');
    const theirRev = mem.revision;
    await store.getState().save();
    await store.getState().resolveConflict('keep');
    const s = store.getState();
    expect(s.conflict).toBeNull();
    expect(s.loaded?.modRevision).toBe(theirRev);
    expect(s.draft).toBe('host=db-2\nport=5432\npool=40\n');
    expect(s.dirty).toBe(true);

    store.getState().setDraft('host=db-2\nport=5432\npool=50\n');
    await store.getState().save();
    expect(fake.ep['kv:put'].requests.at(-1)).toMatchObject({ expectedModRevision: theirRev, value: text('host=db-2\nport=5432\npool=50\n') });
    expect(store.getState().conflict).toBeNull();
    expect(valueOf(mem, 'cfg')).toBe('host=db-2\nport=5432\npool=50\n');
  });

  it('"Keep editing" with markers left: the normal save refuses until they are gone', async () => {
    const { store, fake, mem } = await editing();
    await store.getState().selectKey(text('cfg'));
    store.getState().setDraft('host=db-1\nport=5432\npool=20\n');
    mem.externalPut('cfg', 'host=db-1\nport=5432\npool=40\n');
    await store.getState().save();
    await store.getState().resolveConflict('keep');
    expect(store.getState().draftFromMerge).toBe(true);
    const puts = fake.ep['kv:put'].requests.length;
    await store.getState().save();
    expect(fake.ep['kv:put'].requests).toHaveLength(puts);
    expect(store.getState().valueError).toMatchObject({ op: 'save', error: { code: 'INVALID_ARGUMENT', details: { field: 'draft' } } });
    expect(store.getState().valueError?.error.message).toMatch(/1 conflict block/);
    store.getState().setDraft('host=db-1\nport=5432\npool=25\n');
    await store.getState().save();
    expect(valueOf(mem, 'cfg')).toBe('host=db-1\nport=5432\npool=25\n');
  });

  it('deleted meanwhile: "Recreate with my draft" writes with must-not-exist; someone recreating it first is a CONFLICT again', async () => {
    const { store, fake, mem } = await editing();
    await store.getState().selectKey(text('cfg'));
    store.getState().setDraft('mine\n');
    mem.externalDelete('cfg');
    await store.getState().save();
    expect(store.getState().conflict?.current).toBeNull();

    mem.externalPut('cfg', 'recreated by them\n');
    await store.getState().resolveConflict('mine');
    expect(fake.ep['kv:put'].requests.at(-1)?.expectedModRevision).toBe(0);
    expect(valueOf(mem, 'cfg')).toBe('recreated by them\n');
    const c = store.getState().conflict!;
    expect(c.current?.value).toEqual(text('recreated by them\n'));
    expect(c.round).toBe(2);

    await store.getState().resolveConflict('theirs');
    mem.externalDelete('cfg');
    store.getState().setDraft('mine again\n');
    await store.getState().save();
    expect(store.getState().conflict?.current).toBeNull();
    await store.getState().resolveConflict('mine');
    expect(fake.ep['kv:put'].requests.at(-1)?.expectedModRevision).toBe(0);
    expect(valueOf(mem, 'cfg')).toBe('mine again\n');
    expect(store.getState().conflict).toBeNull();
  });

  it('deleted meanwhile: "Discard my draft" shows the key as gone; "Keep editing" keeps the draft for a create', async () => {
    const { store, mem } = await editing({ a: 'one', b: 'two' });
    await store.getState().selectKey(text('a'));
    store.getState().setDraft('one!');
    mem.externalDelete('a');
    await store.getState().save();
    await store.getState().resolveConflict('theirs');
    expect(store.getState().editorStatus).toBe('missing');
    expect(store.getState().dirty).toBe(false);

    await store.getState().selectKey(text('b'));
    store.getState().setDraft('two!');
    mem.externalDelete('b');
    await store.getState().save();
    await store.getState().resolveConflict('keep');
    expect(store.getState().editorStatus).toBe('missing');
    expect(store.getState().draft).toBe('two!');
    await store.getState().save();
    expect(valueOf(mem, 'b')).toBe('two!');
  });

  it('binary values: no line merge; "Keep mine" is a CAS on the current revision, "Take theirs" loads it', async () => {
    const { store, fake, mem } = await editing({});
    const bin = (...b: number[]) => ({ encoding: 'base64' as const, data: uint8ToBase64(new Uint8Array(b)) });
    mem.data.set('blob', { key: text('blob'), value: bin(0xff, 1), size: 2, createRevision: 3, modRevision: 3, version: 1, lease: '0' });
    await store.getState().selectKey(text('blob'));
    store.getState().editAsBase64();
    store.getState().setDraft(uint8ToBase64(new Uint8Array([0xff, 2])));
    mem.data.set('blob', { key: text('blob'), value: bin(0xff, 3), size: 2, createRevision: 3, modRevision: 9, version: 2, lease: '0' });
    await store.getState().save();
    const c = store.getState().conflict!;
    expect(c.textMerge).toBe(false);
    expect(c.merged).toBe('');
    await store.getState().resolveConflict('save'); // no merged result for bytes: nothing happens
    expect(fake.ep['kv:put'].requests.at(-1)?.expectedModRevision).toBe(3);
    await store.getState().resolveConflict('mine');
    const req = fake.ep['kv:put'].requests.at(-1)!;
    expect(req.expectedModRevision).toBe(9);
    expect(Array.from(toUint8(req.value))).toEqual([0xff, 2]);
    expect(store.getState().conflict).toBeNull();
  });

  it('a merged save of unknown outcome is shown as unknown (not saved, not failed); checking again finds it landed', async () => {
    const { store, fake, mem } = await editing();
    await store.getState().selectKey(text('cfg'));
    store.getState().setDraft('host=db-2\nport=5432\npool=10\n');
    mem.externalPut('cfg', 'host=db-1\nport=5432\npool=40\n');
    await store.getState().save();
    fake.ep['kv:put'].handle((req) => {
      mem.put(req);
      return errR('OUTCOME_UNKNOWN', 'deadline exceeded after send');
    });
    const toasts = store.getState().toasts.length;
    await store.getState().resolveConflict('save');
    const c = store.getState().conflict!;
    expect(c.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(c.attempt).toEqual(text('host=db-2\nport=5432\npool=40\n'));
    expect(store.getState().toasts).toHaveLength(toasts); // no "Saved"
    await store.getState().recheckConflict();
    await flush();
    expect(store.getState().conflict).toBeNull();
    expect(store.getState().loaded?.value).toEqual(text('host=db-2\nport=5432\npool=40\n'));
    expect(store.getState().statusMessage?.kind).toBe('success');
  });

  it('other failures of a merged save stay in the conflict view, by code, with the merge kept', async () => {
    const { store, fake, mem } = await editing();
    await store.getState().selectKey(text('cfg'));
    store.getState().setDraft('host=db-2\nport=5432\npool=10\n');
    mem.externalPut('cfg', 'host=db-1\nport=5432\npool=40\n');
    await store.getState().save();
    store.getState().setMerged('edited merge\n');
    fake.ep['kv:put'].handle(() => errR('UNAVAILABLE'));
    await store.getState().resolveConflict('save');
    expect(store.getState().conflict).toMatchObject({ busy: false, error: { code: 'UNAVAILABLE' }, merged: 'edited merge\n', attempt: null });
    expect(store.getState().statusMessage).toBeNull();
  });
});
