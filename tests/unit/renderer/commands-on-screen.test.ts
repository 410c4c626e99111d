/**
 * Commands act only on what is on screen, and never write on a read-only profile: Delete and
 * Save with the cluster, leases or deleted view open do nothing to the key selected before
 * (it is not shown); on a read-only profile the write commands say why and do nothing.
 */
import { text } from '../../../src/shared/bytes';
import { createAppStore } from '../../../src/renderer/src/app/create-app-store';
import { commandAllowed, runCommand } from '../../../src/renderer/src/app/commands';
import { readOnlyReason } from '../../../src/renderer/src/ui/modes';
import { createFakeApi, flush, memoryEtcd, okR, profile, useMemoryEtcd } from './fake-api';

async function store(mode: 'normal' | 'read-only' = 'normal') {
  const fake = createFakeApi();
  fake.ep['profiles:list'].handle(() => okR({ profiles: [profile('a', { name: 'Archive', mode })], secretStorage: 'encrypted', notices: [] }));
  const mem = memoryEtcd({ 'cfg/app': 'v1' });
  useMemoryEtcd(fake, mem);
  const s = createAppStore(fake.api);
  s.getState().init();
  await flush();
  await s.getState().switchProfile('a');
  await s.getState().selectKey(text('cfg/app'));
  return { s, fake, mem };
}

describe('commands act on what is on screen', () => {
  it.each(['cluster', 'leases', 'deleted'] as const)('with the %s view open, Delete and Save leave the selected key alone', async (view) => {
    const { s, fake } = await store();
    s.getState().setDraft('v2');
    s.getState().showView(view);
    expect(commandAllowed(s, 'delete')).toBe(false);
    runCommand(s, 'delete');
    runCommand(s, 'save');
    await flush();
    expect(s.getState().confirm).toBeNull();
    expect(fake.ep['kv:delete'].requests).toHaveLength(0);
    expect(fake.ep['kv:put'].requests).toHaveLength(0);
  });

  it("with another key's context menu (or the palette) open, Delete does not act on the selected key", async () => {
    const { s } = await store();
    s.getState().openKeyMenu(text('cfg/other'), 10, 10);
    runCommand(s, 'delete');
    expect(s.getState().confirm).toBeNull();
    s.getState().closeKeyMenu();
    s.getState().setPaletteOpen(true);
    runCommand(s, 'delete');
    expect(s.getState().confirm).toBeNull();
    s.getState().setPaletteOpen(false);
    runCommand(s, 'delete');
    expect(s.getState().confirm?.subject).toBe('cfg/app');
  });

  it('with the keys (or search) view, Delete asks about the key on screen', async () => {
    const { s } = await store();
    runCommand(s, 'delete');
    expect(s.getState().confirm?.subject).toBe('cfg/app');
    s.getState().resolveConfirm(false);
    s.getState().showView('search');
    runCommand(s, 'delete');
    expect(s.getState().confirm?.subject).toBe('cfg/app');
  });
});

describe('a read-only profile in the renderer', () => {
  it('the reason names the profile; write commands do nothing and say why; reads still run', async () => {
    const { s, fake } = await store('read-only');
    expect(readOnlyReason(s.getState())).toContain('Archive');
    for (const c of ['new-key', 'save', 'delete', 'import'] as const) expect(commandAllowed(s, c)).toBe(false);
    expect(commandAllowed(s, 'reload')).toBe(true);
    s.getState().setDraft('v2');
    runCommand(s, 'delete');
    runCommand(s, 'new-key');
    runCommand(s, 'save');
    await flush();
    expect(s.getState().confirm).toBeNull();
    expect(s.getState().newKey).toBeNull();
    expect(fake.ep['kv:put'].requests).toHaveLength(0);
    expect(s.getState().statusMessage?.text).toContain('read-only');
  });

  it('a normal profile has no reason', async () => {
    const { s } = await store();
    expect(readOnlyReason(s.getState())).toBeNull();
  });
});
