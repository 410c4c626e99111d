import { describe, expect, it } from 'vitest';
import { fromUint8, text } from '../../../src/shared/bytes';
import type { DeletedKey, KeyVersion } from '../../../src/shared/types';
import { currentModRevision, defaultSince, HISTORY_PAGE } from '../../../src/renderer/src/features/history/history-slice';
import { diffText, historyErrorText } from '../../../src/renderer/src/features/history/history-text';
import { errR, flush, kv, memoryEtcd, okR, useMemoryEtcd } from './fake-api';
import { setupStore } from './helpers';

const v = (modRevision: number, version: number, extra: Partial<KeyVersion> = {}): KeyVersion => ({
  createRevision: 2,
  modRevision,
  version,
  lease: '0',
  size: 3,
  ...extra,
});

const gone = (key: string, deletedAt: number, recreated = false): DeletedKey => ({
  key: text(key),
  deletedAt,
  last: { createRevision: 2, modRevision: deletedAt - 1, version: 1, lease: '0', size: 2, preview: text('v1'), truncated: false },
  recreated,
});

async function connected() {
  const ctx = await setupStore();
  const mem = memoryEtcd({ 'cfg/app': 'v3' });
  useMemoryEtcd(ctx.fake, mem);
  await ctx.store.getState().switchProfile('a');
  await flush();
  return { ...ctx, mem };
}

describe('helpers', () => {
  it('defaultSince: the larger of compacted + 1 and current - 1000', () => {
    expect(defaultSince({ current: 50, compacted: 0 })).toBe(1);
    expect(defaultSince({ current: 5000, compacted: 10 })).toBe(4000);
    expect(defaultSince({ current: 5000, compacted: 4500 })).toBe(4501);
  });

  it('currentModRevision: the live version, or 0 when the newest generation was deleted', () => {
    expect(currentModRevision([v(9, 3), v(7, 2)])).toBe(9);
    expect(currentModRevision([v(9, 3, { deletedAt: 10 })])).toBe(0);
    expect(currentModRevision([])).toBe(0);
  });

  it('diffText: text as text, binary (either side) as hex dumps', () => {
    expect(diffText(text('a'), text('b'))).toEqual({ a: 'a', b: 'b', binary: false });
    const bin = diffText(fromUint8(new Uint8Array([0xff, 0x00])), text('ok'));
    expect(bin.binary).toBe(true);
    expect(bin.a).toMatch(/^00000000 {2}ff 00/);
    expect(bin.b).toMatch(/6f 6b/);
  });

  it('historyErrorText words conflicts and compaction by code, never by message', () => {
    const conflict = { code: 'CONFLICT' as const, message: 'anything', details: { currentModRevision: 12 } };
    expect(historyErrorText(conflict, 'restore')).toMatch(/changed since .* revision 12/);
    expect(historyErrorText({ ...conflict, details: { currentModRevision: 0 } }, 'restore')).toMatch(/was deleted/);
    expect(historyErrorText(conflict, 'undelete')).toMatch(/exists again/);
    expect(historyErrorText({ code: 'COMPACTED', message: 'CONFLICT' }, 'deleted')).toMatch(/compacted/);
  });
});

describe('key history', () => {
  it('loads a page, then older pages with `before`, without duplicates', async () => {
    const { store, fake } = await connected();
    const versions = fake.ep['history:versions'];
    const p = store.getState().openHistory(text('cfg/app'));
    expect(store.getState().history?.status).toBe('loading');
    expect(versions.requests[0]).toEqual({ profileId: 'a', key: text('cfg/app'), limit: HISTORY_PAGE });
    versions.next().resolve(okR({ versions: [v(9, 3), v(7, 2)], next: 7, revision: 9 }));
    await p;
    expect(store.getState().history).toMatchObject({ status: 'ready', next: 7 });

    const older = store.getState().loadOlderVersions();
    expect(versions.requests[1]).toMatchObject({ before: 7 });
    versions.next().resolve(okR({ versions: [v(4, 1, { deletedAt: 5 }), v(3, 2, { deletedAt: 5 })], next: null, revision: 9, compactedAt: 2 }));
    await older;
    const h = store.getState().history!;
    expect(h.versions.map((x) => x.modRevision)).toEqual([9, 7, 4, 3]);
    expect(h.next).toBeNull();
    expect(h.compactedAt).toBe(2);
  });

  it('keeps a failure by code and drops answers once the app switched connection', async () => {
    const { store, fake } = await connected();
    const p = store.getState().openHistory(text('cfg/app'));
    fake.ep['history:versions'].next().resolve(errR('UNAVAILABLE'));
    await p;
    expect(store.getState().history?.error?.code).toBe('UNAVAILABLE');

    const again = store.getState().openHistory(text('cfg/app'));
    await store.getState().switchProfile('b');
    fake.ep['history:versions'].next().resolve(okR({ versions: [v(9, 3)], next: null, revision: 9 }));
    await again;
    expect(store.getState().history).toBeNull();
  });

  it('picks at most two revisions for the diff and fetches each value once', async () => {
    const { store, fake } = await connected();
    fake.ep['history:versions'].handle(() => okR({ versions: [v(9, 3), v(7, 2), v(5, 1)], next: null, revision: 9 }));
    fake.ep['history:get'].handle((r) => okR(kv('cfg/app', `at ${r.revision}`, r.revision)));
    await store.getState().openHistory(text('cfg/app'));
    store.getState().toggleHistoryRevision(9);
    store.getState().toggleHistoryRevision(5);
    await flush();
    expect(store.getState().history?.selected).toEqual([9, 5]);
    expect(store.getState().history?.values[5]).toMatchObject({ status: 'ready', kv: { value: text('at 5') } });
    store.getState().toggleHistoryRevision(7); // replaces the oldest pick
    await flush();
    expect(store.getState().history?.selected).toEqual([5, 7]);
    store.getState().toggleHistoryRevision(9); // picked again: its value is kept
    await flush();
    expect(fake.ep['history:get'].requests.map((r) => r.revision)).toEqual([9, 5, 7]);
  });

  it('restores after a confirmation with CAS on the live revision, then reloads editor, grid and history', async () => {
    const { store, fake, mem } = await connected();
    await store.getState().selectKey(text('cfg/app'));
    const live = mem.data.get('cfg/app')!.modRevision;
    fake.ep['history:versions'].handle(() => okR({ versions: [v(live, 3), v(3, 1)], next: null, revision: live }));
    await store.getState().openHistory(text('cfg/app'));
    const gets = fake.ep['kv:get'].requests.length;
    const lists = fake.ep['kv:list'].requests.length;

    store.getState().requestRestore(3);
    expect(store.getState().confirm?.confirmLabel).toBe('Restore');
    expect(fake.ep['history:restore'].requests).toHaveLength(0);
    store.getState().resolveConfirm(true);
    await flush();
    expect(fake.ep['history:restore'].requests[0]).toEqual({ profileId: 'a', key: text('cfg/app'), revision: 3, expectedModRevision: live });
    fake.ep['history:restore'].next().resolve(okR({ revision: live + 1, created: false }));
    await flush();
    expect(fake.ep['kv:get'].requests.length).toBeGreaterThan(gets);
    expect(fake.ep['kv:list'].requests.length).toBeGreaterThan(lists);
    expect(fake.ep['history:versions'].requests).toHaveLength(2);
    expect(store.getState().history?.restoredAt).toBe(live + 1);
    expect(store.getState().toasts.some((t) => t.kind === 'success' && t.text.startsWith('Restored revision 3'))).toBe(true);
  });

  it('a deleted key restores with must-not-exist; a CONFLICT is kept by code and nothing reloads', async () => {
    const { store, fake } = await connected();
    fake.ep['history:versions'].handle(() => okR({ versions: [v(8, 2, { deletedAt: 9 }), v(6, 1, { deletedAt: 9 })], next: null, revision: 9 }));
    await store.getState().openHistory(text('gone/k'));
    const p = store.getState().restoreVersion(6);
    expect(fake.ep['history:restore'].requests[0]).toMatchObject({ revision: 6, expectedModRevision: 0 });
    fake.ep['history:restore'].next().resolve(errR('CONFLICT', 'x', { currentModRevision: 12 }));
    await p;
    expect(store.getState().history?.restoreError?.code).toBe('CONFLICT');
    expect(store.getState().history?.restoring).toBeNull();
    expect(fake.ep['history:versions'].requests).toHaveLength(1);
  });
});

describe('recently deleted', () => {
  it('asks the bounds, lists deletes after the default revision, pages and merges by key', async () => {
    const { store, fake } = await connected();
    await store.getState().setPrefix('cfg/');
    fake.ep['history:bounds'].handle(() => okR({ current: 3000, compacted: 100 }));
    const p = store.getState().openDeleted();
    await flush();
    expect(fake.ep['history:deleted'].requests[0]).toMatchObject({ profileId: 'a', prefix: text('cfg/'), sinceRevision: 2000 });
    fake.ep['history:deleted'].next().resolve(okR({ items: [gone('cfg/a', 2500), gone('cfg/b', 2400)], next: 2500, revision: 3000 }));
    await p;
    expect(store.getState().deleted).toMatchObject({ status: 'ready', since: 2000, next: 2500, prefix: 'cfg/' });

    const more = store.getState().loadMoreDeleted();
    expect(fake.ep['history:deleted'].requests[1]).toMatchObject({ sinceRevision: 2500 });
    fake.ep['history:deleted'].next().resolve(okR({ items: [gone('cfg/a', 2900), gone('cfg/c', 2600)], next: null, revision: 3000 }));
    await more;
    const d = store.getState().deleted!;
    expect(d.items.map((i) => [i.key.data, i.deletedAt])).toEqual([
      ['cfg/a', 2900],
      ['cfg/c', 2600],
      ['cfg/b', 2400],
    ]);
    expect(d.next).toBeNull();

    const again = store.getState().setDeletedSince(10);
    expect(fake.ep['history:deleted'].requests[2]).toMatchObject({ sinceRevision: 10 });
    fake.ep['history:deleted'].next().resolve(errR('COMPACTED'));
    await again;
    expect(store.getState().deleted?.error?.code).toBe('COMPACTED');
  });

  it('undeletes with the value just before the delete, must-not-exist; CONFLICT marks it as existing again', async () => {
    const { store, fake } = await connected();
    fake.ep['history:bounds'].handle(() => okR({ current: 50, compacted: 0 }));
    fake.ep['history:deleted'].handle(() => okR({ items: [gone('x/a', 40), gone('x/b', 30)], next: null, revision: 50 }));
    await store.getState().openDeleted();
    const [a, b] = store.getState().deleted!.items;

    const p = store.getState().undelete(a);
    expect(store.getState().deleted?.undeletes['utf8:x/a']).toEqual({ status: 'busy' });
    expect(fake.ep['history:restore'].requests[0]).toEqual({ profileId: 'a', key: text('x/a'), revision: 39, expectedModRevision: 0 });
    fake.ep['history:restore'].next().resolve(okR({ revision: 51, created: true }));
    await p;
    expect(store.getState().deleted?.undeletes['utf8:x/a']).toEqual({ status: 'done', revision: 51 });

    const q = store.getState().undelete(b);
    fake.ep['history:restore'].next().resolve(errR('CONFLICT', 'exists', { currentModRevision: 45 }));
    await q;
    expect(store.getState().deleted?.undeletes['utf8:x/b']).toMatchObject({ status: 'error', error: { code: 'CONFLICT' } });
    expect(store.getState().deleted?.items.find((i) => i.key.data === 'x/b')?.recreated).toBe(true);
  });
});
