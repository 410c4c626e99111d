import { describe, expect, it } from 'vitest';
import { text } from '../../../src/shared/bytes';
import type { AuditEntry } from '../../../src/shared/contract';
import { runCommand } from '../../../src/renderer/src/app/commands';
import { AUDIT_VIEW_PAGE } from '../../../src/renderer/src/features/audit/audit-slice';
import { connectedStore, errR, flush, okR, profile } from './fake-api';

const setup = () => connectedStore([profile('a'), profile('b')]);

const entry = (id: string, over: Partial<AuditEntry> = {}): AuditEntry => ({
  v: 1,
  id,
  at: 1000,
  profileId: 'a',
  operation: 'kv:put',
  key: text(`k/${id}`),
  revisionAfter: 10,
  outcome: 'applied',
  ...over,
});

describe('the audit trail slice', () => {
  it('opens from the command, lists newest first, pages with the cursor, and filters from the newest again', async () => {
    const { fake, store } = await setup();
    runCommand(store, 'audit-view');
    expect(store.getState().view).toBe('audit');
    void store.getState().loadAudit();
    await flush();
    expect(fake.ep['audit:list'].requests.at(-1)).toEqual({ profileId: 'a', limit: AUDIT_VIEW_PAGE });
    fake.ep['audit:list'].next().resolve(okR({ entries: [entry('2'), entry('1')], next: '1' }));
    await flush();
    expect(store.getState().auditEntries.map((e) => e.id)).toEqual(['2', '1']);

    void store.getState().loadAudit(true);
    await flush();
    expect(fake.ep['audit:list'].requests.at(-1)).toEqual({ profileId: 'a', limit: AUDIT_VIEW_PAGE, before: '1' });
    fake.ep['audit:list'].next().resolve(okR({ entries: [entry('0')], next: null }));
    await flush();
    expect(store.getState().auditEntries.map((e) => e.id)).toEqual(['2', '1', '0']);
    expect(store.getState().auditNext).toBeNull();

    store.getState().setAuditFilters({ operation: 'kv:delete', keyContains: 'k/', outcome: 'failed', from: 5 });
    await flush();
    expect(fake.ep['audit:list'].requests.at(-1)).toEqual({ profileId: 'a', limit: AUDIT_VIEW_PAGE, operation: 'kv:delete', keyContains: 'k/', outcome: 'failed', from: 5 });
    fake.ep['audit:list'].next().resolve(errR('INTERNAL'));
    await flush();
    expect(store.getState().auditError?.code).toBe('INTERNAL');
    expect(store.getState().auditLoading).toBe(false);
  });

  it('restores after a confirmation, shows the result by the entry, and lists again', async () => {
    const { fake, store } = await setup();
    fake.ep['audit:list'].handle(() => okR({ entries: [entry('e1')], next: null }));
    await store.getState().loadAudit();
    store.getState().requestAuditRestore(store.getState().auditEntries[0]);
    expect(store.getState().confirm?.subject).toBe('k/e1');
    expect(fake.ep['audit:restore'].requests).toEqual([]);
    store.getState().resolveConfirm(true);
    await flush();
    expect(fake.ep['audit:restore'].requests).toEqual([{ profileId: 'a', entryId: 'e1' }]);
    expect(store.getState().auditRestores.e1).toEqual({ state: 'running' });
    fake.ep['audit:restore'].next().resolve(okR({ revision: 12, created: false, key: text('k/e1'), restoredFrom: 9, expectedModRevision: 10 }));
    await flush();
    expect(store.getState().auditRestores.e1).toEqual({ state: 'done', revision: 12, restoredFrom: 9 });
    expect(fake.ep['audit:list'].requests).toHaveLength(2);

    // A refusal is shown by its entry too.
    store.getState().requestAuditRestore(store.getState().auditEntries[0]);
    store.getState().resolveConfirm(true);
    await flush();
    fake.ep['audit:restore'].next().resolve(errR('COMPACTED'));
    await flush();
    expect(store.getState().auditRestores.e1).toMatchObject({ state: 'failed', error: { code: 'COMPACTED' } });
  });

  it('cancelling the confirmation writes nothing; a switch drops the entries and a late answer', async () => {
    const { fake, store } = await setup();
    fake.ep['audit:list'].handle(() => okR({ entries: [entry('e1')], next: null }));
    await store.getState().loadAudit();
    store.getState().requestAuditRestore(store.getState().auditEntries[0]);
    store.getState().resolveConfirm(false);
    await flush();
    expect(fake.ep['audit:restore'].requests).toEqual([]);

    fake.ep['audit:list'].handle(null);
    void store.getState().loadAudit();
    await flush();
    await store.getState().switchProfile('b');
    await flush();
    expect(store.getState().auditEntries).toEqual([]);
    fake.ep['audit:list'].pending[0].resolve(okR({ entries: [entry('late')], next: null }));
    await flush();
    expect(store.getState().auditEntries).toEqual([]);
  });
});
