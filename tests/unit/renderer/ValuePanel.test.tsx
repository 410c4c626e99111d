// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfirmDialog } from '../../../src/renderer/src/app/ConfirmDialog';
import { ValuePanel } from '../../../src/renderer/src/features/editor/ValuePanel';
import type { AppStore } from '../../../src/renderer/src/app/create-app-store';
import { StoreProvider } from '../../../src/renderer/src/app/store-context';
import { text, toUint8, uint8ToBase64 } from '../../../src/shared/bytes';
import { flush, memoryEtcd, useMemoryEtcd } from './fake-api';
import { setupStore } from './helpers';

afterEach(cleanup);

const BIN = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x41, 0x42]);

async function withKey(key: string, seed: (mem: ReturnType<typeof memoryEtcd>) => void) {
  const ctx = await setupStore();
  const mem = memoryEtcd();
  seed(mem);
  useMemoryEtcd(ctx.fake, mem);
  await ctx.store.getState().switchProfile('a');
  await ctx.store.getState().selectKey(text(key));
  return { ...ctx, mem };
}

function renderPanel(store: AppStore) {
  return render(
    <StoreProvider store={store}>
      <ValuePanel />
      <ConfirmDialog />
    </StoreProvider>,
  );
}

describe('ValuePanel', () => {
  it('shows a non-UTF-8 value as a hex dump plus base64, never in the text editor', async () => {
    const { store } = await withKey('blob', (mem) =>
      mem.data.set('blob', { key: text('blob'), value: { encoding: 'base64', data: uint8ToBase64(BIN) }, size: 8, createRevision: 3, modRevision: 4, version: 2, lease: '0' }),
    );
    const { container } = renderPanel(store);
    await act(flush);
    expect(screen.getByTestId('hex-dump').textContent).toContain('de ad be ef 00 ff 41 42');
    expect(screen.getByTestId('hex-dump').textContent).toContain('|......AB|');
    expect((screen.getByTestId('base64-readonly') as HTMLTextAreaElement).value).toBe(uint8ToBase64(BIN));
    expect((screen.getByTestId('base64-readonly') as HTMLTextAreaElement).readOnly).toBe(true);
    expect(screen.queryByTestId('value-editor')).toBeNull();
    expect(container.querySelector('.cm-editor')).toBeNull();
    expect(screen.getByTestId('value-meta').textContent).toContain('binary');
  });

  it('"Edit as base64" opens a base64 editor whose save writes exactly the decoded bytes', async () => {
    const { store, fake } = await withKey('blob', (mem) =>
      mem.data.set('blob', { key: text('blob'), value: { encoding: 'base64', data: uint8ToBase64(BIN) }, size: 8, createRevision: 3, modRevision: 4, version: 2, lease: '0' }),
    );
    renderPanel(store);
    await act(flush);
    fireEvent.click(screen.getByTestId('edit-base64'));
    const editor = screen.getByTestId('base64-editor') as HTMLTextAreaElement;
    const next = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x80]);
    fireEvent.change(editor, { target: { value: uint8ToBase64(next) } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('save-value'));
      await flush();
    });
    const req = fake.ep['kv:put'].requests.at(-1)!;
    expect(req.expectedModRevision).toBe(4);
    expect(Array.from(toUint8(req.value))).toEqual(Array.from(next));
  });

  it('shows a JSON value in the code editor with metadata', async () => {
    const { store } = await withKey('cfg', (mem) => mem.externalPut('cfg', '{"a": 1}'));
    const { container } = renderPanel(store);
    await act(flush);
    expect(screen.getByTestId('value-editor')).toBeTruthy();
    expect(container.querySelector('.cm-editor')).not.toBeNull();
    expect((screen.getByTestId('mode-select') as HTMLSelectElement).value).toBe('json');
    expect(screen.queryByTestId('hex-view')).toBeNull();
    expect(screen.getByTestId('value-meta').textContent).toMatch(/Mod rev\s*2/);
  });

  it('on a conflict shows their changes, my changes and the merged result, and saves the merge only without markers', async () => {
    const { store, mem, fake } = await withKey('cfg', (m) => m.externalPut('cfg', 'one\ntwo\nthree\n'));
    store.getState().setDraft('one\ntwo\nTHREE mine\n');
    mem.externalPut('cfg', 'one\ntwo\nthree theirs\n');
    await store.getState().save();
    const { container } = renderPanel(store);
    await act(flush);
    const lines = (sel: string) => [...container.querySelectorAll(`${sel} .cm-line`)].map((l) => l.textContent).join('\n');
    expect(screen.getByTestId('conflict-view').textContent).toContain(`Someone else changed this key after you loaded it (now at revision ${mem.revision})`);
    // Their changes: base on the left, theirs on the right.
    expect(screen.getByText(`Theirs: in etcd now (revision ${mem.revision})`)).toBeTruthy();
    expect(lines('[data-testid="conflict-diff-theirs"] .cm-merge-b')).toContain('three theirs');
    expect(lines('[data-testid="conflict-diff-theirs"] .cm-merge-a')).toContain('three');
    fireEvent.click(screen.getByTestId('conflict-tab-mine'));
    expect(lines('[data-testid="conflict-diff-mine"] .cm-merge-b')).toContain('THREE mine');
    // The merged result with markers, and the count.
    expect(lines('[data-testid="merged-editor"]')).toBe('one\ntwo\n<<<<<<< mine\nTHREE mine\n=======\nthree theirs\n>>>>>>> theirs\n');
    expect(screen.getByTestId('conflict-count').textContent).toMatch(/1 conflict left/);
    for (const name of ['Save merged result', 'Keep editing', 'Discard my draft and load current']) {
      expect(screen.getByRole('button', { name })).toBeTruthy();
    }
    expect(screen.queryByRole('button', { name: 'Overwrite with my draft' })).toBeNull();
    const puts = fake.ep['kv:put'].requests.length;
    await act(async () => {
      fireEvent.click(screen.getByTestId('conflict-save'));
      await flush();
    });
    expect(fake.ep['kv:put'].requests).toHaveLength(puts);
    expect(screen.getByTestId('conflict-refused').textContent).toMatch(/still has 1 conflict block/);

    await act(async () => {
      store.getState().setMerged('one\ntwo\nthree both\n');
      await flush();
    });
    expect(screen.getByTestId('conflict-count').textContent).toMatch(/no conflicts left/);
    await act(async () => {
      fireEvent.click(screen.getByTestId('conflict-save'));
      await flush();
    });
    expect(screen.queryByTestId('conflict-view')).toBeNull();
    expect(mem.data.get('cfg')?.value).toEqual(text('one\ntwo\nthree both\n'));
  });

  it('a key deleted meanwhile offers "Recreate with my draft" and "Discard my draft"', async () => {
    const { store, mem } = await withKey('cfg', (m) => m.externalPut('cfg', 'v1'));
    store.getState().setDraft('my draft');
    mem.externalDelete('cfg');
    await store.getState().save();
    renderPanel(store);
    await act(flush);
    expect(screen.getByTestId('conflict-view').textContent).toContain('The key was deleted in etcd after you loaded it.');
    expect(screen.getByTestId('conflict-draft').textContent).toBe('my draft');
    expect(screen.getByRole('button', { name: 'Discard my draft' })).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Recreate with my draft' }));
      await flush();
    });
    expect(mem.data.get('cfg')?.value).toEqual(text('my draft'));
    expect(screen.queryByTestId('conflict-view')).toBeNull();
  });

  it('a change by someone else while editing is shown at once, with their diff and the revision that is current', async () => {
    const { store, mem, fake } = await withKey('cfg', (m) => m.externalPut('cfg', 'alpha\nbeta\n'));
    const loadedRev = mem.revision;
    renderPanel(store);
    await act(flush);
    // The fake leaves watch:key pending until told: answer it now.
    fake.ep['watch:key'].next().resolve({ ok: true, value: { subscriptionId: 'w1', profileId: 'a', kind: 'watch-key', state: 'open' } });
    await act(flush);
    await act(async () => {
      store.getState().setDraft('alpha\nbeta\nmine\n');
      mem.externalPut('cfg', 'ALPHA\nbeta\n');
      const kv = mem.data.get('cfg')!;
      fake.emit('event:watch', { profileId: 'a', subscriptionId: 'w1', revision: mem.revision, changes: [{ ...kv, type: 'put' }] });
      await flush();
    });
    const notice = screen.getByTestId('remote-change');
    expect(notice.textContent).toContain(`Changed by someone else at revision ${mem.revision}`);
    expect(notice.textContent).toContain('Your draft is kept');
    expect(screen.getByText(`Theirs (revision ${mem.revision})`)).toBeTruthy();
    expect(screen.getByText(`Loaded (revision ${loadedRev})`)).toBeTruthy();
    expect(screen.getByTestId('current-revision').textContent).toBe(`${mem.revision} (your draft: ${loadedRev})`);
    expect(store.getState().draft).toBe('alpha\nbeta\nmine\n');
  });

  it('asks before saving invalid JSON as plain text', async () => {
    const { store, fake } = await withKey('cfg', (m) => m.externalPut('cfg', '{"a": 1}'));
    store.getState().setDraft('{"a": ');
    renderPanel(store);
    await act(flush);
    await act(async () => {
      fireEvent.click(screen.getByTestId('save-value'));
      await flush();
    });
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('Save as plain text anyway?');
    expect(fake.ep['kv:put'].requests).toHaveLength(0);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save as plain text' }));
      await flush();
    });
    expect(fake.ep['kv:put'].requests).toHaveLength(1);
  });
});

describe('ValuePanel: line endings', () => {
  it('keeps CRLF values intact and locks values with mixed line endings', async () => {
    const { lineEndings } = await import('../../../src/renderer/src/features/editor/value-mode');
    expect(lineEndings('a\nb')).toBe('lf');
    expect(lineEndings('a\r\nb\r\n')).toBe('crlf');
    expect(lineEndings('a\r\nb\nc')).toBe('mixed');
    expect(lineEndings('a\rb')).toBe('mixed');

    const { store } = await withKey('mixed', (m) => m.externalPut('mixed', 'a\r\nb\nc'));
    renderPanel(store);
    await act(flush);
    expect(screen.getByTestId('mixed-line-endings')).toBeTruthy();
    expect(screen.getByTestId('edit-base64')).toBeTruthy();
  });

  it('"Edit as base64" also works for a text value and saves its exact bytes', async () => {
    const { store, fake } = await withKey('t', (m) => m.externalPut('t', 'a\r\nb\nc'));
    store.getState().editAsBase64();
    expect(store.getState().draftKind).toBe('base64');
    expect(store.getState().dirty).toBe(false);
    store.getState().setDraft(btoa('a\r\nb\r\nc'));
    expect(store.getState().dirty).toBe(true);
    await store.getState().save();
    expect(fake.ep['kv:put'].requests.at(-1)?.value).toEqual(text('a\r\nb\r\nc'));
    expect(store.getState().draftKind).toBe('text');
  });
});
