import { describe, expect, it } from 'vitest';
import { text, toUint8, uint8ToBase64 } from '../../../src/shared/bytes';
import { errR, flush, memoryEtcd, useMemoryEtcd } from './fake-api';
import { setupStore } from './helpers';

async function editing(initial: Record<string, string> = { 'cfg/app': '{"replicas": 1}' }) {
  const ctx = await setupStore();
  const mem = memoryEtcd(initial);
  useMemoryEtcd(ctx.fake, mem);
  await ctx.store.getState().switchProfile('a');
  return { ...ctx, mem };
}

describe('editor: load and save', () => {
  it('loads a key, detects JSON, and saves with expectedModRevision = the loaded mod revision', async () => {
    const { store, fake, mem } = await editing();
    await store.getState().selectKey(text('cfg/app'));
    const s = store.getState();
    expect(s.editorStatus).toBe('ready');
    expect(s.mode).toBe('json');
    expect(s.draft).toBe('{"replicas": 1}');
    const loadedRev = s.loaded!.modRevision;

    store.getState().setDraft('{"replicas": 3}');
    expect(store.getState().dirty).toBe(true);
    await store.getState().save();
    expect(fake.ep['kv:put'].requests.at(-1)).toEqual({
      profileId: 'a',
      key: text('cfg/app'),
      value: text('{"replicas": 3}'),
      expectedModRevision: loadedRev,
    });
    expect(store.getState().dirty).toBe(false);
    expect(store.getState().loaded?.modRevision).toBe(mem.revision);
    expect(store.getState().loaded?.version).toBe(2);
    expect(store.getState().items[0].modRevision).toBe(mem.revision); // grid row updated
    expect(store.getState().toasts.some((t) => t.kind === 'success' && t.text.startsWith('Saved'))).toBe(true);
  });

  it('invalid JSON asks "Save as plain text anyway?" and never saves silently', async () => {
    const { store, fake } = await editing();
    await store.getState().selectKey(text('cfg/app'));
    store.getState().setDraft('{"replicas": ');
    await store.getState().save();
    expect(fake.ep['kv:put'].requests).toHaveLength(0);
    expect(store.getState().confirm?.message).toMatch(/Save as plain text anyway\?/);

    store.getState().resolveConfirm(false); // keep editing
    expect(fake.ep['kv:put'].requests).toHaveLength(0);
    expect(store.getState().draft).toBe('{"replicas": ');

    await store.getState().save();
    store.getState().resolveConfirm(true);
    await flush();
    expect(fake.ep['kv:put'].requests).toHaveLength(1);
    expect(fake.ep['kv:put'].requests[0].value).toEqual(text('{"replicas": '));
    expect(store.getState().mode).toBe('plain');
  });

  it('keeps the draft after any failure and keeps the failure beside it, for the value panel only', async () => {
    const { store, fake } = await editing();
    await store.getState().selectKey(text('cfg/app'));
    store.getState().setDraft('{"replicas": 5}');
    const toasts = store.getState().toasts.length;
    fake.ep['kv:put'].handle(() => errR('UNAVAILABLE', 'connect ECONNREFUSED', { endpoint: 'http://10.0.0.1:2379' }));
    await store.getState().save();
    expect(store.getState().draft).toBe('{"replicas": 5}');
    expect(store.getState().dirty).toBe(true);
    expect(store.getState().valueError).toMatchObject({ op: 'save', error: { code: 'UNAVAILABLE', details: { endpoint: 'http://10.0.0.1:2379' } } });
    // Shown once: not in the status bar, not as a toast.
    expect(store.getState().statusMessage).toBeNull();
    expect(store.getState().toasts).toHaveLength(toasts);

    fake.ep['kv:put'].handle(() => errR('TOO_LARGE', 'request is too large', { size: 2 * 1024 * 1024, limit: 1.5 * 1024 * 1024 }));
    await store.getState().save();
    expect(store.getState().draft).toBe('{"replicas": 5}');
    expect(store.getState().valueError?.error.code).toBe('TOO_LARGE');
    expect(store.getState().statusMessage).toBeNull();

    // The next successful save clears it.
    fake.ep['kv:put'].handle(null);
    const saving = store.getState().save();
    expect(store.getState().valueError).toBeNull();
    fake.ep['kv:put'].next().resolve(errR('PERMISSION_DENIED'));
    await saving;
    expect(store.getState().valueError?.error.code).toBe('PERMISSION_DENIED');
    store.getState().dismissValueError();
    expect(store.getState().valueError).toBeNull();
  });

  it('a save that fails after another key was opened goes to the status bar (the value panel shows that other key)', async () => {
    const { store, fake } = await editing({ 'cfg/app': '1', 'cfg/other': '2' });
    await store.getState().selectKey(text('cfg/app'));
    store.getState().setDraft('3');
    fake.ep['kv:put'].handle(null);
    const saving = store.getState().save();
    await store.getState().selectKey(text('cfg/other'), { force: true });
    fake.ep['kv:put'].next().resolve(errR('UNAVAILABLE'));
    await saving;
    expect(store.getState().valueError).toBeNull();
    expect(store.getState().statusMessage).toMatchObject({ kind: 'error', code: 'UNAVAILABLE' });
    expect(store.getState().statusMessage?.text).toContain('could not save the key');
  });

  it('OUTCOME_UNKNOWN offers Re-read; the re-read confirms a write that landed', async () => {
    const { store, fake, mem } = await editing();
    await store.getState().selectKey(text('cfg/app'));
    store.getState().setDraft('{"replicas": 7}');
    // The write reaches etcd but the answer is lost.
    fake.ep['kv:put'].handle((req) => {
      mem.put(req);
      return errR('OUTCOME_UNKNOWN', 'deadline exceeded after send');
    });
    await store.getState().save();
    expect(store.getState().valueError).toMatchObject({ op: 'save', error: { code: 'OUTCOME_UNKNOWN' } });
    expect(store.getState().statusMessage).toBeNull();
    expect(store.getState().draft).toBe('{"replicas": 7}');
    fake.ep['kv:put'].handle((req) => mem.put(req));
    // What the value panel's Re-read does.
    await store.getState().rereadKey('outcome-unknown');
    await flush();
    expect(store.getState().valueError).toBeNull();
    expect(store.getState().conflict).toBeNull();
    expect(store.getState().dirty).toBe(false);
    expect(store.getState().loaded?.modRevision).toBe(mem.revision);
  });

  it('OUTCOME_UNKNOWN then a re-read that finds another value shows both, without overwriting', async () => {
    const { store, fake } = await editing();
    await store.getState().selectKey(text('cfg/app'));
    store.getState().setDraft('{"replicas": 7}');
    fake.ep['kv:put'].handle(() => errR('OUTCOME_UNKNOWN', 'deadline exceeded after send'));
    await store.getState().save();
    await store.getState().rereadKey('outcome-unknown');
    await flush();
    const c = store.getState().conflict!;
    expect(c.reason).toBe('outcome-unknown');
    expect(c.current?.value).toEqual(text('{"replicas": 1}'));
    expect(store.getState().draft).toBe('{"replicas": 7}');
  });
});

describe('editor: conflicts', () => {
  it('a CONFLICT keeps the draft, opens base / theirs / mine with the merge, and overwrites nothing', async () => {
    const { store, mem } = await editing();
    await store.getState().selectKey(text('cfg/app'));
    const loadedRev = store.getState().loaded!.modRevision;
    store.getState().setDraft('{"replicas": 3}');
    mem.externalPut('cfg/app', '{"replicas": 9}');
    const theirRev = mem.revision;

    await store.getState().save();
    const c = store.getState().conflict!;
    expect(c.reason).toBe('conflict');
    expect(c.base?.modRevision).toBe(loadedRev);
    expect(c.mine).toEqual(text('{"replicas": 3}'));
    expect(c.current?.value).toEqual(text('{"replicas": 9}'));
    expect(c.current?.modRevision).toBe(theirRev);
    expect(c.textMerge).toBe(true);
    expect(c.mergeConflicts).toBe(1); // both changed the one line
    expect(store.getState().draft).toBe('{"replicas": 3}');
    expect(store.getState().dirty).toBe(true);
    expect(mem.data.get('cfg/app')?.value).toEqual(text('{"replicas": 9}'));
  });

  it('"Discard my draft and load current" loads the server value', async () => {
    const { store, mem } = await editing();
    await store.getState().selectKey(text('cfg/app'));
    store.getState().setDraft('{"replicas": 3}');
    mem.externalPut('cfg/app', '{"replicas": 9}');
    await store.getState().save();
    await store.getState().resolveConflict('theirs');
    expect(store.getState().conflict).toBeNull();
    expect(store.getState().draft).toBe('{"replicas": 9}');
    expect(store.getState().loaded?.modRevision).toBe(mem.revision);
    expect(store.getState().dirty).toBe(false);
  });
});

describe('editor: binary values', () => {
  const bin = new Uint8Array([0xff, 0x00, 0xfe, 0x41, 0x80]);
  const b64 = uint8ToBase64(bin);

  it('shows a base64 value read-only, and "Edit as base64" saves exactly the decoded bytes', async () => {
    const { store, fake, mem } = await editing({});
    mem.data.set('blob', {
      key: text('blob'),
      value: { encoding: 'base64', data: b64 },
      size: 5,
      createRevision: 3,
      modRevision: 3,
      version: 1,
      lease: '0',
    });
    await store.getState().selectKey(text('blob'));
    expect(store.getState().draftKind).toBe('binary');
    store.getState().setDraft('garbage'); // read-only: ignored
    expect(store.getState().dirty).toBe(false);
    expect(store.getState().draft).toBe('');

    store.getState().editAsBase64();
    expect(store.getState().draft).toBe(b64);
    const edited = new Uint8Array([0xff, 0x00, 0xfe, 0x42, 0x80, 0x81]);
    store.getState().setDraft(uint8ToBase64(edited));
    await store.getState().save();
    const sent = fake.ep['kv:put'].requests.at(-1)!;
    expect(sent.expectedModRevision).toBe(3);
    expect(Array.from(toUint8(sent.value))).toEqual(Array.from(edited));
    expect(store.getState().draftKind).toBe('binary');
    expect(store.getState().dirty).toBe(false);
  });

  it('refuses invalid base64 without calling etcd and keeps the draft', async () => {
    const { store, fake, mem } = await editing({});
    mem.data.set('blob', { key: text('blob'), value: { encoding: 'base64', data: b64 }, size: 5, createRevision: 3, modRevision: 3, version: 1, lease: '0' });
    await store.getState().selectKey(text('blob'));
    store.getState().editAsBase64();
    store.getState().setDraft('not base64!!');
    await store.getState().save();
    expect(fake.ep['kv:put'].requests).toHaveLength(0);
    expect(store.getState().draft).toBe('not base64!!');
    expect(store.getState().valueError).toMatchObject({ op: 'save', error: { code: 'INVALID_ARGUMENT', details: { field: 'base64 draft' } } });
    expect(store.getState().statusMessage).toBeNull();
  });
});

describe('editor: selection', () => {
  it('drops the answer for a key selected before the current one', async () => {
    const { store, fake, mem } = await editing({ a: '1', b: '2' });
    fake.ep['kv:get'].handle(null);
    void store.getState().selectKey(text('a'));
    void store.getState().selectKey(text('b'));
    await flush();
    const getA = fake.ep['kv:get'].next();
    const getB = fake.ep['kv:get'].next();
    getB.resolve(mem.get(getB.req));
    getA.resolve(mem.get(getA.req));
    await flush();
    expect(store.getState().loaded?.key).toEqual(text('b'));
    expect(store.getState().draft).toBe('2');
  });

  it('asks before dropping a dirty draft for another key', async () => {
    const { store } = await editing({ a: '1', b: '2' });
    await store.getState().selectKey(text('a'));
    store.getState().setDraft('1 edited');
    await store.getState().selectKey(text('b'));
    expect(store.getState().confirm).not.toBeNull();
    store.getState().resolveConfirm(false);
    expect(store.getState().draft).toBe('1 edited');
    expect(store.getState().selectedKey).toEqual(text('a'));
  });
});
