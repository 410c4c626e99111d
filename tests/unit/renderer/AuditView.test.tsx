// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore } from '../../../src/renderer/src/app/create-app-store';
import { ConfirmDialog } from '../../../src/renderer/src/app/ConfirmDialog';
import { StoreProvider } from '../../../src/renderer/src/app/store-context';
import { AuditView } from '../../../src/renderer/src/features/audit/AuditView';
import { text } from '../../../src/shared/bytes';
import type { AuditEntry } from '../../../src/shared/contract';
import { createFakeApi, errR, flush, okR, page, profile } from './fake-api';

afterEach(cleanup);

const entry = (id: string, over: Partial<AuditEntry> = {}): AuditEntry => ({ v: 1, id, at: 1000, profileId: 'a', operation: 'kv:put', key: text(`k/${id}`), revisionBefore: 4, revisionAfter: 10, outcome: 'applied', ...over });

describe('AuditView', () => {
  it('shows the entries, offers restore only where it applies, and shows the result by the entry', async () => {
    const fake = createFakeApi();
    fake.ep['profiles:list'].handle(() => okR({ profiles: [profile('a')], secretStorage: 'encrypted', notices: [] }));
    fake.ep['kv:list'].handle(() => okR(page([])));
    fake.ep['kv:count'].handle(() => okR({ count: 0, revision: 1 }));
    fake.ep['audit:list'].handle(() =>
      okR({
        entries: [
          entry('overwrite'),
          entry('created', { created: true, revisionBefore: undefined }),
          entry('failed', { outcome: 'failed', errorCode: 'CONFLICT', revisionAfter: undefined }),
          entry('bulk', { operation: 'bulk:delete', key: undefined, prefix: text('app/'), revisionAfter: undefined, job: { kind: 'bulk-delete', state: 'done', counts: { deleted: 3, unknown: 0 } } }),
        ],
        next: null,
      }),
    );
    const store = createAppStore(fake.api);
    store.getState().init();
    await flush();
    await store.getState().switchProfile('a');
    render(
      <StoreProvider store={store}>
        <AuditView />
        <ConfirmDialog />
      </StoreProvider>,
    );
    await act(flush);
    const rows = screen.getAllByTestId('audit-row');
    expect(rows.map((r) => r.getAttribute('data-entry'))).toEqual(['overwrite', 'created', 'failed', 'bulk']);
    expect(rows.map((r) => r.querySelector('[data-testid="audit-restore"]') !== null)).toEqual([true, false, false, false]);
    expect(rows[0].querySelector('[data-testid="audit-revisions"]')!.textContent).toBe('4 → 10');
    expect(rows[2].querySelector('[data-testid="audit-outcome"]')!.textContent).toContain('CONFLICT');
    expect(rows[3].querySelector('[data-testid="audit-target"]')!.textContent).toBe('app/*');
    expect(rows[3].textContent).toContain('deleted 3');

    fake.ep['audit:restore'].handle(() => errR('COMPACTED', 'Revision 9 was compacted.'));
    await act(async () => {
      fireEvent.click(rows[0].querySelector('[data-testid="audit-restore"]')!);
      await flush();
    });
    expect(fake.ep['audit:restore'].requests).toEqual([]);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Restore value' }));
      await flush();
    });
    expect(fake.ep['audit:restore'].requests).toEqual([{ profileId: 'a', entryId: 'overwrite' }]);
    expect(screen.getByTestId('audit-restore-result').textContent).toMatch(/compacted/i);
  });
});
