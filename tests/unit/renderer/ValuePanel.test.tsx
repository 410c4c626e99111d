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

  it('on a conflict shows "Your draft" and the current value side by side with the three choices', async () => {
    const { store, mem } = await withKey('cfg', (m) => m.externalPut('cfg', 'v1'));
    store.getState().setDraft('my draft');
    mem.externalPut('cfg', 'their value');
    await store.getState().save();
    renderPanel(store);
    await act(flush);
    expect(screen.getByTestId('conflict-draft').textContent).toBe('my draft');
    expect(screen.getByTestId('conflict-current').textContent).toBe('their value');
    expect(screen.getByText(`Current value in etcd (rev ${mem.revision})`)).toBeTruthy();
    for (const name of ['Overwrite with my draft', 'Discard my draft and load current', 'Keep editing']) {
      expect(screen.getByRole('button', { name })).toBeTruthy();
    }
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Keep editing' }));
      await flush();
    });
    expect(screen.queryByTestId('conflict-view')).toBeNull();
    expect(store.getState().draft).toBe('my draft');
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
