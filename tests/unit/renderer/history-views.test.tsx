// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfirmDialog } from '../../../src/renderer/src/app/ConfirmDialog';
import type { AppStore } from '../../../src/renderer/src/app/create-app-store';
import { StoreProvider } from '../../../src/renderer/src/app/store-context';
import { ValuePanel } from '../../../src/renderer/src/features/editor/ValuePanel';
import { DeletedView } from '../../../src/renderer/src/features/history/DeletedView';
import { fromUint8, text } from '../../../src/shared/bytes';
import type { KeyVersion } from '../../../src/shared/types';
import { errR, flush, memoryEtcd, okR, useMemoryEtcd } from './fake-api';
import { setupStore } from './helpers';

afterEach(cleanup);

const v = (modRevision: number, version: number, extra: Partial<KeyVersion> = {}): KeyVersion => ({
  createRevision: 2,
  modRevision,
  version,
  lease: '0',
  size: 10,
  ...extra,
});

async function connected() {
  const ctx = await setupStore();
  const mem = memoryEtcd({ 'cfg/app': 'v3' });
  useMemoryEtcd(ctx.fake, mem);
  await ctx.store.getState().switchProfile('a');
  await flush();
  return { ...ctx, mem };
}

function renderWith(store: AppStore, ui: React.ReactNode) {
  return render(
    <StoreProvider store={store}>
      {ui}
      <ConfirmDialog />
    </StoreProvider>,
  );
}

describe('History tab', () => {
  it('lists versions newest first with a delete marker and the compacted point; restore asks, CONFLICT is said in words', async () => {
    const { store, fake, mem } = await connected();
    await store.getState().selectKey(text('cfg/app'));
    const live = mem.data.get('cfg/app')!.modRevision;
    fake.ep['history:versions'].handle(() =>
      okR({ versions: [v(live, 1, { createRevision: live }), v(5, 2, { deletedAt: 6 }), v(4, 1, { deletedAt: 6 })], next: null, revision: live, compactedAt: 3 }),
    );
    renderWith(store, <ValuePanel />);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'History' }));
      await flush();
    });
    const table = screen.getByRole('table', { name: 'Versions' });
    expect(within(table).getAllByRole('checkbox').map((c) => c.getAttribute('aria-label'))).toEqual([
      `Compare revision ${live}`,
      'Compare revision 5',
      'Compare revision 4',
    ]);
    expect(within(table).getByText('Deleted at revision 6')).toBeTruthy();
    // The live version is not offered for restore; the others are.
    expect(within(table).queryByRole('button', { name: `Restore revision ${live}` })).toBeNull();
    expect(screen.getByTestId('history-compacted').textContent).toMatch(/at or below 3 were compacted/);

    fake.ep['history:restore'].handle(() => errR('CONFLICT', 'whatever etcd said', { currentModRevision: live + 7 }));
    await act(async () => {
      fireEvent.click(within(table).getByRole('button', { name: 'Restore revision 5' }));
      await flush();
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Restore' }));
      await flush();
    });
    expect(fake.ep['history:restore'].requests[0]).toMatchObject({ revision: 5, expectedModRevision: live });
    const err = screen.getByTestId('restore-error');
    expect(err.getAttribute('data-code')).toBe('CONFLICT');
    expect(err.textContent).toMatch(new RegExp(`changed since the history was read \\(it is now at revision ${live + 7}\\)`));
  });
});

describe('History tab follows the key', () => {
  it("reads the history again when the key's watch sees a newer revision; while comparing, a notice offers it instead", async () => {
    const { store, fake, mem } = await connected();
    let n = 0;
    fake.ep['watch:key'].handle((req) => okR({ subscriptionId: `w${++n}`, profileId: req.profileId, kind: 'watch-key', state: 'open' as const }));
    // The history as etcd has it: one version per write since the key was created.
    const writes: number[] = [mem.data.get('cfg/app')!.modRevision];
    fake.ep['history:versions'].handle(() =>
      okR({ versions: writes.map((r, i) => v(r, i + 1)).reverse(), next: null, revision: mem.revision }),
    );
    await store.getState().selectKey(text('cfg/app'));
    await flush();
    renderWith(store, <ValuePanel />);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'History' }));
      await flush();
    });
    expect(fake.ep['history:versions'].requests).toHaveLength(1);
    const theyPut = async (value: string) => {
      mem.externalPut('cfg/app', value);
      const kv = mem.data.get('cfg/app')!;
      writes.push(kv.modRevision);
      await act(async () => {
        fake.emit('event:watch', { profileId: 'a', subscriptionId: `w${n}`, revision: mem.revision, changes: [{ ...kv, type: 'put' as const }] });
        await flush();
      });
      return kv.modRevision;
    };

    const second = await theyPut('v4');
    expect(fake.ep['history:versions'].requests).toHaveLength(2);
    const table = screen.getByRole('table', { name: 'Versions' });
    expect(within(table).getByRole('checkbox', { name: `Compare revision ${second}` })).toBeTruthy();

    // Comparing: the list stays as it is, a notice says the key moved on.
    await act(async () => {
      fireEvent.click(within(table).getByRole('checkbox', { name: `Compare revision ${second}` }));
      await flush();
    });
    const third = await theyPut('v5');
    expect(fake.ep['history:versions'].requests).toHaveLength(2);
    expect(screen.getByTestId('history-behind').textContent).toContain(`revision ${third}`);
  });
});

describe('Recently deleted view', () => {
  it('lists deletes with previews (binary as hex), marks re-created keys and undeletes the others', async () => {
    const { store, fake } = await connected();
    fake.ep['history:bounds'].handle(() => okR({ current: 40, compacted: 0 }));
    fake.ep['history:deleted'].handle(() =>
      okR({
        items: [
          {
            key: text('cfg/bin'),
            deletedAt: 30,
            last: { createRevision: 10, modRevision: 20, version: 2, lease: '0', size: 2, preview: fromUint8(new Uint8Array([0xff, 0x00])), truncated: false },
            recreated: false,
          },
          {
            key: text('cfg/back'),
            deletedAt: 25,
            last: { createRevision: 10, modRevision: 21, version: 1, lease: '0', size: 5, preview: text('first'), truncated: false },
            recreated: true,
          },
        ],
        next: null,
        revision: 40,
      }),
    );
    fake.ep['history:restore'].handle(() => okR({ revision: 41, created: true }));
    renderWith(store, <DeletedView />);
    await act(async () => {
      await flush();
    });
    expect(fake.ep['history:deleted'].requests[0]).toMatchObject({ sinceRevision: 1 });
    expect((screen.getByRole('spinbutton', { name: 'Deleted after revision' }) as HTMLInputElement).value).toBe('1');
    const table = screen.getByRole('table', { name: 'Deleted keys' });
    expect(within(table).getByText('0xff00')).toBeTruthy();
    expect(within(table).getByText('Exists again')).toBeTruthy();
    expect(within(table).queryByRole('button', { name: 'Restore cfg/back' })).toBeNull();
    await act(async () => {
      fireEvent.click(within(table).getByRole('button', { name: 'Restore cfg/bin' }));
      await flush();
    });
    expect(fake.ep['history:restore'].requests[0]).toEqual({ profileId: 'a', key: text('cfg/bin'), revision: 29, expectedModRevision: 0 });
    expect(within(table).getByRole('status').textContent).toBe('Restored at revision 41');
  });
});
