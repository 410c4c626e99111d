// @vitest-environment happy-dom
/**
 * The Kubernetes view of the value panel, over a fake API whose k8s:decode is main's real
 * decode service (so the reference fixtures decode as in the app) and whose k8s:encode is a
 * stand-in (the encoder is another helper's): default view for Kubernetes values, YAML and JSON,
 * Secrets masked (views and copy) until revealed and masked again on another key, encrypted,
 * cannot-decode, unknown kinds and unknown fields; "Edit as YAML" only outside production and
 * read-only profiles, its review errors beside the editor with the draft kept, the byte diff,
 * nothing-to-save, and Save through the editor's compare-and-swap (CONFLICT said beside the edit).
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfirmDialog } from '../../../src/renderer/src/app/ConfirmDialog';
import { createAppStore, type AppStore } from '../../../src/renderer/src/app/create-app-store';
import { StoreProvider } from '../../../src/renderer/src/app/store-context';
import { ValuePanel } from '../../../src/renderer/src/features/editor/ValuePanel';
import { MASK } from '../../../src/renderer/src/features/kubernetes/k8s-value';
import { decodeForView } from '../../../src/main/core/k8s/decode-service';
import { fromUint8, text, toUint8, type Bytes } from '../../../src/shared/bytes';
import type { K8sEncoded } from '../../../src/shared/k8s';
import type { Profile } from '../../../src/shared/types';
import { fixtureBytes, k8sEnvelope, k8sFixture, pbField, pbString } from '../../support/k8s-values';
import { createFakeApi, errR, flush, kv, memoryEtcd, okR, profile, useMemoryEtcd } from './fake-api';

afterEach(cleanup);

const POD = '/registry/pods/default/web-0';
const SECRET = '/registry/secrets/default/db-credentials';
const ENCRYPTED = '/registry/secrets/shop/stripe-api-key';

let clipboard: string[];
beforeEach(() => {
  clipboard = [];
  Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: (s: string) => Promise.resolve(void clipboard.push(s)) } });
});

/** A store connected to profile `a` (mode as given) over a memory etcd holding `values`. */
async function open(values: Record<string, Bytes>, select: string, mode: Profile['mode'] = 'normal') {
  const fake = createFakeApi();
  fake.ep['profiles:list'].handle(() => okR({ profiles: [profile('a', { mode })], secretStorage: 'encrypted', notices: [] }));
  const mem = memoryEtcd();
  let rev = 10;
  for (const [k, v] of Object.entries(values)) mem.data.set(k, kv(k, v, ++rev));
  useMemoryEtcd(fake, mem);
  fake.ep['k8s:decode'].handle(async (req) => okR(await decodeForView(req)));
  const store = createAppStore(fake.api);
  store.getState().init();
  await flush();
  await store.getState().switchProfile('a');
  await store.getState().selectKey(text(select));
  const view = renderPanel(store);
  await act(flush);
  return { fake, store, mem, ...view };
}

function renderPanel(store: AppStore) {
  return render(
    <StoreProvider store={store}>
      <ValuePanel />
      <ConfirmDialog />
    </StoreProvider>,
  );
}

const fx = (key: string): Bytes => fromUint8(fixtureBytes(k8sFixture(key)));
const lines = (testId: string) => [...screen.getByTestId(testId).querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n');
const click = async (name: string | RegExp) => {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name }));
    await flush();
  });
};

describe('the Kubernetes view', () => {
  it("opens a Pod decoded, as YAML with its header and resourceVersion = the key's mod revision; JSON on a toggle; the raw value one click away", async () => {
    const { fake, store } = await open({ [POD]: fx(POD) }, POD);
    const modRevision = store.getState().loaded!.modRevision;
    expect(fake.ep['k8s:decode'].requests[0]).toEqual({ value: fx(POD), modRevision });
    expect(screen.getByRole('button', { name: 'Kubernetes' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('k8s-kind').textContent).toBe('Pod');
    expect(screen.getByTestId('k8s-header').textContent).toContain('default/web-0');
    expect(screen.getByTestId('k8s-schema').textContent).toBe('decoded with schema v0.36.3');
    expect(screen.getByTestId('k8s-resource-version').textContent).toBe(`${modRevision} (the key's mod revision, as the API server shows it)`);
    expect(lines('k8s-object')).toMatch(/^apiVersion: v1\nkind: Pod\nmetadata:/);
    // The whole text (CodeMirror renders the lines in view only): Copy gives what is shown.
    await click('Copy');
    const yaml = clipboard.at(-1)!;
    expect(yaml).toMatch(/^apiVersion: v1\nkind: Pod\nmetadata:/);
    expect(yaml).toContain(`\n  resourceVersion: "${modRevision}"\n`);
    expect(yaml).toMatch(/\n {4}image: nginx:1.27.3\n/);

    await click('JSON');
    expect(lines('k8s-object').split('\n').slice(0, 3)).toEqual(['{', '  "apiVersion": "v1",', '  "kind": "Pod",']);
    await click('Copy');
    const decoded = await decodeForView({ value: fx(POD), modRevision });
    expect(JSON.parse(clipboard.at(-1)!)).toEqual(decoded.kind === 'object' ? decoded.object : null);

    await click('Value');
    expect(screen.queryByTestId('k8s-view')).toBeNull();
    expect(screen.getByTestId(store.getState().draftKind === 'binary' ? 'hex-view' : 'value-editor')).toBeTruthy();
    await click('Kubernetes');
    expect(screen.getByTestId('k8s-view')).toBeTruthy();
  });

  it("masks a Secret's data in YAML, JSON and copy until Reveal values", async () => {
    const secret = k8sFixture(SECRET);
    const data = (secret.expected as { data: Record<string, string> }).data;
    const [name, b64] = Object.entries(data)[0];
    await open({ [SECRET]: fx(SECRET), [POD]: fx(POD) }, SECRET);
    expect(screen.getByTestId('k8s-masked-note')).toBeTruthy();
    let yaml = lines('k8s-object');
    expect(yaml).toContain(`${name}: ${MASK}`);
    expect(yaml).not.toContain(b64);
    await click('Copy');
    expect(clipboard.at(-1)).toContain(`${name}: ${MASK}`);
    expect(clipboard.at(-1)).not.toContain(b64);
    await click('JSON');
    expect(lines('k8s-object')).toContain(`"${name}": "${MASK}"`);
    expect(lines('k8s-object')).not.toContain(b64);
    await click('YAML');

    await click('Reveal values');
    yaml = lines('k8s-object');
    expect(yaml).toContain(`${name}: ${b64}`);
    await click('Copy');
    expect(clipboard.at(-1)).toContain(`${name}: ${b64}`);
    expect(screen.getByRole('button', { name: 'Hide values' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('re-masks when the key changes', async () => {
    const { store } = await open({ [SECRET]: fx(SECRET), [POD]: fx(POD) }, SECRET);
    await click('Reveal values');
    expect(screen.queryByTestId('k8s-masked-note')).toBeNull();
    await act(async () => {
      await store.getState().selectKey(text(POD));
      await flush();
    });
    expect(screen.getByTestId('k8s-kind').textContent).toBe('Pod');
    await act(async () => {
      await store.getState().selectKey(text(SECRET));
      await flush();
    });
    expect(screen.getByTestId('k8s-masked-note')).toBeTruthy();
    expect(lines('k8s-object')).toContain(MASK);
  });

  it('says an encrypted value is encrypted, by which provider and key, and shows its bytes', async () => {
    await open({ [ENCRYPTED]: fx(ENCRYPTED) }, ENCRYPTED);
    expect(screen.getByTestId('k8s-encrypted').textContent).toBe('Encrypted at rest by aescbc, key key1: the API server holds the key.');
    expect(screen.getByTestId('hex-dump').textContent).toContain('6b 38 73 3a 65 6e 63 3a');
    expect(screen.queryByTestId('k8s-object')).toBeNull();
  });

  it('a truncated value says "Cannot decode … at byte N" with the bytes, never a partial object', async () => {
    const cut = fromUint8(fixtureBytes(k8sFixture(POD)).subarray(0, 100));
    await open({ [POD]: cut }, POD);
    expect(screen.getByTestId('k8s-problem').textContent).toMatch(/^Cannot decode: .* at byte \d+$/);
    expect(screen.getByTestId('hex-view')).toBeTruthy();
    expect(screen.queryByTestId('k8s-object')).toBeNull();
    expect(screen.queryByText(/kind: Pod/)).toBeNull();
  });

  it('a kind the schema does not know shows apiVersion, kind and its protobuf fields as a table', async () => {
    const gadget = fromUint8(k8sEnvelope('example.com/v9', 'Gadget', Buffer.concat([pbString(1, 'hello'), Buffer.from([0x10, 0x2a])])));
    await open({ '/registry/gadgets/g1': gadget }, '/registry/gadgets/g1');
    const table = screen.getByRole('table', { name: 'Protobuf fields' });
    const rows = within(table).getAllByRole('row').map((r) => r.textContent);
    expect(rows).toEqual(['FieldWire typeValue', '12 (bytes)hello', '20 (varint)42']);
    expect(screen.getByTestId('k8s-view').textContent).toContain('example.com/v9');
    expect(screen.getByTestId('k8s-view').textContent).toContain('Gadget');
  });

  it('lists unknown fields above the object with their path and bytes', async () => {
    // A Namespace whose spec carries field 9 that v0.36.3 does not know.
    const extra = pbField(9, Buffer.from('new'));
    const raw = Buffer.concat([pbField(1, Buffer.concat([pbString(1, 'odd')])), extra]);
    await open({ '/registry/namespaces/odd': fromUint8(k8sEnvelope('v1', 'Namespace', raw)) }, '/registry/namespaces/odd');
    expect(screen.getByTestId('k8s-unknown-fields').textContent).toBe('# unknown field 9 (wire type 2) at (top level): 4a 03 6e 65 77');
    expect(lines('k8s-object')).toContain('kind: Namespace');
  });

  it('a custom resource stored as JSON opens as YAML too', async () => {
    await open({ '/registry/example.com/widgets/default/w1': text('{"kind":"Widget","apiVersion":"example.com/v1","metadata":{"name":"w1","namespace":"default"},"spec":{"size":3}}') }, '/registry/example.com/widgets/default/w1');
    expect(screen.getByTestId('k8s-schema').textContent).toBe('stored as JSON (a custom resource)');
    expect(lines('k8s-object')).toMatch(/^apiVersion: example.com\/v1\nkind: Widget\nmetadata:\n {2}name: w1\n {2}namespace: default\n {2}resourceVersion: "11"\nspec:\n {2}size: 3\n$/);
  });

  it('a decode that fails in main (the worker timed out) says so in words and shows the bytes', async () => {
    const fake = createFakeApi();
    fake.ep['profiles:list'].handle(() => okR({ profiles: [profile('a')], secretStorage: 'encrypted', notices: [] }));
    const mem = memoryEtcd();
    mem.data.set(POD, kv(POD, fx(POD), 11));
    useMemoryEtcd(fake, mem);
    fake.ep['k8s:decode'].handle(() => errR('TIMEOUT', 'Decoding this value took longer than 20 s, so it was stopped.'));
    const store = createAppStore(fake.api);
    store.getState().init();
    await flush();
    await store.getState().switchProfile('a');
    await store.getState().selectKey(text(POD));
    renderPanel(store);
    await act(flush);
    expect(screen.getByTestId('k8s-problem').textContent).toBe('Could not decode this value: Decoding this value took longer than 20 s, so it was stopped.');
    expect(screen.getByTestId('hex-view')).toBeTruthy();
    expect(screen.queryByTestId('k8s-object')).toBeNull();
  });

  it('a plain value is not offered the Kubernetes view', async () => {
    await open({ '/app/config': text('{"a":1}') }, '/app/config');
    expect(screen.queryByRole('button', { name: 'Kubernetes' })).toBeNull();
    expect(screen.getByTestId('value-editor')).toBeTruthy();
  });
});

describe('Edit as YAML', () => {
  it('is not offered for production or read-only profiles', async () => {
    for (const mode of ['production', 'read-only'] as const) {
      await open({ [POD]: fx(POD) }, POD, mode);
      expect(screen.getByTestId('k8s-kind').textContent).toBe('Pod');
      expect(screen.queryByRole('button', { name: 'Edit as YAML' })).toBeNull();
      cleanup();
    }
  });

  it('a past revision (the grid at a revision) shows the object read-only, with no Edit as YAML', async () => {
    const { fake, store } = await open({ [POD]: fx(POD) }, POD);
    fake.ep['history:get'].handle(() => okR(kv(POD, fx(POD), 7)));
    await act(async () => {
      await store.getState().viewAtRevision(9);
      await flush();
      await store.getState().selectKey(text(POD), { reread: true, force: true });
      await flush();
    });
    expect(store.getState().pastRevision).toBe(9);
    expect(screen.getByTestId('past-value-note')).toBeTruthy();
    expect(screen.getByTestId('k8s-kind').textContent).toBe('Pod');
    expect(screen.getByTestId('k8s-resource-version').textContent).toMatch(/^7 /);
    expect(screen.queryByRole('button', { name: 'Edit as YAML' })).toBeNull();
  });

  it('a Secret is edited only after Reveal values', async () => {
    await open({ [SECRET]: fx(SECRET) }, SECRET);
    expect((screen.getByRole('button', { name: 'Edit as YAML' }) as HTMLButtonElement).disabled).toBe(true);
    await click('Reveal values');
    await click('Edit as YAML');
    const [name, b64] = Object.entries((k8sFixture(SECRET).expected as { data: Record<string, string> }).data)[0];
    expect(lines('k8s-yaml-editor')).toContain(`${name}: ${b64}`);
  });

  it('review: a refusal is shown once beside the editor and the draft stays; a change shows its bytes and saves with compare-and-swap', async () => {
    const { fake, store, mem } = await open({ [POD]: fx(POD) }, POD);
    const base = store.getState().loaded!;
    await click('Edit as YAML');
    expect(screen.getByTestId('k8s-edit-warning').textContent).toMatch(/the API server normally owns these objects and may overwrite or reject this change/);
    const startText = lines('k8s-yaml-editor');
    // The stored object: the resourceVersion the view shows is not part of what is edited.
    expect(startText).not.toContain('resourceVersion');
    expect(startText).toContain('kind: Pod');

    fake.ep['k8s:encode'].handle(() => errR('INVALID_ARGUMENT', 'spec.containers[0].imag: the schema has no field "imag"', { field: 'spec.containers[0].imag' }));
    const typo = startText.replace(/image: /, 'imag: ');
    act(() => store.getState().setK8sEditText(typo));
    await click('Review change');
    expect(fake.ep['k8s:encode'].requests.at(-1)).toEqual({ original: base.value, edited: typo });
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toEqual(['Not encoded: spec.containers[0].imag: the schema has no field "imag"']);
    expect(store.getState().k8sEdit?.text).toBe(typo);
    expect(screen.queryByTestId('k8s-save')).toBeNull();

    // A successful review: the diff, sizes, and Save.
    const newBytes = new Uint8Array([...toUint8(base.value), 0x0a]);
    const encoded: K8sEncoded = {
      value: fromUint8(newBytes),
      unchanged: false,
      changes: [{ offset: newBytes.length - 1, removed: '', added: '0a', removedLength: 0, addedLength: 1 }],
      originalSize: newBytes.length - 1,
      size: newBytes.length,
    };
    fake.ep['k8s:encode'].handle(() => okR(encoded));
    act(() => store.getState().setK8sEditText(startText.replace('labels:', 'labels:\n    fixed: "yes"')));
    expect(screen.queryByRole('alert')).toBeNull();
    await click('Review change');
    expect(screen.getByTestId('k8s-diff').textContent).toContain(`${newBytes.length - 1} → ${newBytes.length} bytes`);
    expect(within(screen.getByRole('table', { name: 'Changed bytes' })).getAllByRole('row')[1].textContent).toBe(`${newBytes.length - 1}— (0 B)0a (1 B)`);
    await click('Save');
    const put = fake.ep['kv:put'].requests.at(-1)!;
    expect(put.expectedModRevision).toBe(base.modRevision);
    expect(Array.from(toUint8(put.value))).toEqual(Array.from(newBytes));
    expect(Array.from(toUint8(mem.data.get(POD)!.value))).toEqual(Array.from(newBytes));
    // Saved: out of editing; the view decodes what etcd holds now.
    expect(store.getState().k8sEdit).toBeNull();
    expect(screen.queryByTestId('k8s-edit')).toBeNull();
    expect(fake.ep['k8s:decode'].requests.at(-1)?.modRevision).toBe(mem.revision);
  });

  it('opening another key with an edited YAML draft asks first, as an unsaved value draft does', async () => {
    const { store } = await open({ [POD]: fx(POD), [SECRET]: fx(SECRET) }, POD);
    await click('Edit as YAML');
    await act(async () => {
      await store.getState().selectKey(text(SECRET));
      await flush();
    });
    // Nothing typed yet: no question, the edit ends.
    expect(store.getState().selectedKey).toEqual(text(SECRET));
    expect(screen.queryByTestId('k8s-edit')).toBeNull();
    await act(async () => {
      await store.getState().selectKey(text(POD));
      await flush();
    });
    await click('Edit as YAML');
    act(() => store.getState().setK8sEditText(`${store.getState().k8sEdit!.text}# note\n`));
    await act(async () => {
      await store.getState().selectKey(text(SECRET));
      await flush();
    });
    expect(screen.getByRole('dialog').textContent).toContain('Discard unsaved changes?');
    expect(store.getState().selectedKey).toEqual(text(POD));
    await click('Discard draft');
    expect(store.getState().selectedKey).toEqual(text(SECRET));
    expect(store.getState().k8sEdit).toBeNull();
  });

  it('an unchanged object says there is nothing to save', async () => {
    const { fake } = await open({ [POD]: fx(POD) }, POD);
    await click('Edit as YAML');
    fake.ep['k8s:encode'].handle((req) => okR({ value: req.original, unchanged: true, changes: [], originalSize: 10, size: 10 }));
    await click('Review change');
    expect(screen.getByTestId('k8s-unchanged').textContent).toBe('Nothing to save: the edited object encodes to the stored bytes.');
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
  });

  it('a change made meanwhile makes the save a CONFLICT beside the edit: no merge view (its "Keep mine" would force the old object over theirs), nothing is overwritten, the YAML stays', async () => {
    const { fake, store, mem } = await open({ [POD]: fx(POD) }, POD);
    await click('Edit as YAML');
    const mine = fromUint8(new Uint8Array([...toUint8(store.getState().loaded!.value), 0x0a]));
    fake.ep['k8s:encode'].handle(() => okR({ value: mine, unchanged: false, changes: [{ offset: 1, removed: '', added: '0a', removedLength: 0, addedLength: 1 }], originalSize: 1, size: 2 }));
    await click('Review change');
    mem.externalPut(POD, 'theirs');
    await click('Save');
    expect(fake.ep['kv:put'].requests.at(-1)?.expectedModRevision).toBe(11);
    expect(mem.data.get(POD)!.value).toEqual(text('theirs'));
    expect(screen.queryByTestId('conflict-view')).toBeNull();
    const error = screen.getByTestId('k8s-encode-error');
    expect(error.getAttribute('data-code')).toBe('CONFLICT');
    expect(error.textContent).toMatch(/^Nothing was saved: this object changed in etcd \(now at revision \d+\) since the edit began at revision 11\./);
    expect(store.getState().k8sEdit?.text).toBeTruthy();
  });

  it('no Edit as YAML while the Value tab holds an unsaved draft of the key (two drafts would save over each other)', async () => {
    const { store } = await open({ [POD]: fx(POD) }, POD);
    store.setState({ dirty: true });
    await store.getState().startK8sEdit();
    expect(store.getState().k8sEdit).toBeNull();
  });

  it('a failed save stays beside the draft (OUTCOME_UNKNOWN says so)', async () => {
    const { fake } = await open({ [POD]: fx(POD) }, POD);
    await click('Edit as YAML');
    fake.ep['k8s:encode'].handle((req) => okR({ value: fromUint8(new Uint8Array([...toUint8(req.original), 1])), unchanged: false, changes: [], originalSize: 1, size: 2 }));
    await click('Review change');
    fake.ep['kv:put'].handle(() => errR('OUTCOME_UNKNOWN', 'the connection dropped while the write was in flight'));
    await click('Save');
    expect(screen.getByTestId('value-error').getAttribute('data-code')).toBe('OUTCOME_UNKNOWN');
    expect(screen.getByTestId('k8s-edit')).toBeTruthy();
    expect(screen.getByTestId('k8s-save')).toBeTruthy();
  });
});
