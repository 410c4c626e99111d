import { useEffect, useMemo, useState } from 'react';
import { isText } from '../../../../shared/bytes';
import { useAppStore } from '../../app/store-context';
import { readOnlyReason } from '../../ui/modes';
import { BytesText } from '../../ui/BytesText';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatLease, formatSize, keyLabel } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import type { ErrorActionHandlers, ErrorContext } from '../../ui/messages';
import { HistoryTab } from '../history/HistoryTab';
import { isKubernetesValue } from '../kubernetes/k8s-value';
import { K8sView } from '../kubernetes/K8sView';
import { K8sViewSwitch } from '../kubernetes/K8sViewSwitch';
import { EditorLeaseChoice } from '../leases/EditorLeaseChoice';
import { LeaseInfo } from '../leases/LeaseInfo';
import { ConflictView } from './ConflictView';
import { HexView } from './HexView';
import { KeyWatchNote, RemoteChangeNotice } from './RemoteChange';
import { lineEndings, type EditorMode } from './value-mode';
import { ValueEditor } from './ValueEditor';

const MODES: readonly { value: EditorMode; label: string }[] = [
  { value: 'plain', label: 'Plain text' },
  { value: 'json', label: 'JSON' },
  { value: 'yaml', label: 'YAML' },
];

/** What an error about the shown key is told with, and the follow-ups the value panel offers for it. */
function useKeyErrorContext(): { context: ErrorContext; handlers: ErrorActionHandlers } {
  const selectedKey = useAppStore((s) => s.selectedKey);
  const profile = useAppStore((s) => s.activeProfile());
  const reconnect = useAppStore((s) => s.reconnect);
  const openProfileForm = useAppStore((s) => s.openProfileForm);
  return {
    context: { key: keyLabel(selectedKey), profileName: profile?.name, username: profile?.username, deadlineMs: profile?.deadlineMs },
    handlers: {
      reconnect: () => void reconnect(),
      ...(profile ? { 'edit-profile': () => openProfileForm('edit', profile) } : {}),
    },
  };
}

/** The selected key: metadata, the value (editor, or hex for binary), save and conflicts. */
export function ValuePanel() {
  const selectedKey = useAppStore((s) => s.selectedKey);
  const status = useAppStore((s) => s.editorStatus);
  const editorError = useAppStore((s) => s.editorError);
  const conflict = useAppStore((s) => s.conflict);
  const selectKey = useAppStore((s) => s.selectKey);
  const { context, handlers } = useKeyErrorContext();
  const [showHistory, setShowHistory] = useState(false);
  // Another key: the Kubernetes view masks Secrets again and drops its edit.
  const keyId = selectedKey ? `${selectedKey.encoding}:${selectedKey.data}` : '';
  const k8sKeyChanged = useAppStore((s) => s.k8sKeyChanged);
  useEffect(() => k8sKeyChanged(), [keyId, k8sKeyChanged]);

  if (!selectedKey) {
    return (
      <section className="value-pane empty" id="value-pane" aria-label="Value">
        <p className="muted">Select a key to see its value.</p>
      </section>
    );
  }

  return (
    <section className="value-pane" id="value-pane" aria-label="Value" data-testid="value-panel">
      <div className="value-key">
        <BytesText value={selectedKey} max={Infinity} className="value-key-text" />
        <button
          type="button"
          className="icon-button"
          title="Copy key"
          aria-label="Copy key"
          onClick={() => void navigator.clipboard?.writeText(selectedKey.encoding === 'utf8' ? selectedKey.data : keyLabel(selectedKey, Infinity))}
        >
          <Icon name="copy" />
        </button>
        <button type="button" className={`tab-toggle${showHistory ? ' pressed' : ''}`} aria-pressed={showHistory} onClick={() => setShowHistory(!showHistory)} data-testid="history-toggle">
          History
        </button>
      </div>
      <Metadata />
      <KeyWatchNote />
      {showHistory ? <HistoryTab selectedKey={selectedKey} /> : <LeaseInfo />}
      {status === 'loading' && !showHistory ? <p className="muted pad">Loading…</p> : null}
      {status === 'error' && editorError ? (
        <ErrorNotice
          error={editorError}
          context={{ ...context, op: 'get' }}
          handlers={{ ...handlers, retry: () => void selectKey(selectedKey, { reread: true }) }}
          testId="value-error"
          className="value-error"
        />
      ) : null}
      {status === 'missing' ? (
        <p className="notice pad" role="status">
          Key “{keyLabel(selectedKey)}” no longer exists. Saving the text below creates it again.
        </p>
      ) : null}
      {showHistory ? null : conflict ? <ConflictView /> : status === 'ready' || status === 'missing' ? <ValueBody /> : null}
    </section>
  );
}

/** The metadata of the value that is really current: a change seen since loading (or in a conflict) wins over the loaded one. */
function Metadata() {
  const loaded = useAppStore((s) => s.loaded);
  const remote = useAppStore((s) => s.remote);
  const conflictCurrent = useAppStore((s) => s.conflict?.current);
  const latest = conflictCurrent !== undefined ? conflictCurrent : remote && !remote.reloaded ? remote.current : loaded;
  const shown = latest ?? loaded;
  if (!shown) return null;
  const deletedAt = latest === null ? (remote && remote.current === null ? remote.revision : undefined) : undefined;
  const draftBase = loaded && latest !== loaded && loaded.modRevision !== latest?.modRevision ? loaded.modRevision : undefined;
  return (
    <dl className="meta" data-testid="value-meta">
      <div>
        <dt>Create rev</dt>
        <dd>{shown.createRevision}</dd>
      </div>
      <div>
        <dt>Mod rev</dt>
        <dd data-testid="current-revision">
          {latest === null ? (deletedAt !== undefined ? `deleted at ${deletedAt}` : 'deleted') : shown.modRevision}
          {draftBase !== undefined ? <span className="muted"> (your draft: {draftBase})</span> : null}
        </dd>
      </div>
      <div>
        <dt>Version</dt>
        <dd>{shown.version}</dd>
      </div>
      <div>
        <dt>Lease</dt>
        <dd>{formatLease(shown.lease)}</dd>
      </div>
      <div>
        <dt>Size</dt>
        <dd>{formatSize(shown.size)}</dd>
      </div>
      <div>
        <dt>Encoding</dt>
        <dd>{shown.value.encoding === 'utf8' ? 'UTF-8 text' : 'binary'}</dd>
      </div>
    </dl>
  );
}

function ValueBody() {
  const draftKind = useAppStore((s) => s.draftKind);
  const loaded = useAppStore((s) => s.loaded);
  const selectedKey = useAppStore((s) => s.selectedKey);
  const pastRevision = useAppStore((s) => s.pastRevision);
  const readOnlyView = useAppStore((s) => s.readOnlyView);
  const selectKey = useAppStore((s) => s.selectKey);
  // Kubernetes' stored objects open decoded; the value editor stays one click away.
  const k8sValue = useAppStore((s) => !!s.selectedKey && !!s.loaded && isKubernetesValue(s.selectedKey, s.loaded.value));
  const k8sRaw = useAppStore((s) => s.k8sRaw);
  // Back to live: the panel shows the current value again.
  useEffect(() => {
    if (pastRevision !== null && !readOnlyView && selectedKey) void selectKey(selectedKey, { reread: true, force: true });
  }, [pastRevision, readOnlyView, selectedKey, selectKey]);

  if (pastRevision !== null && loaded) {
    return (
      <>
        <p className="notice pad-x" role="status" data-testid="past-value-note">
          The value at revision {pastRevision}, read-only (the grid shows a past revision).
        </p>
        {k8sValue ? <K8sViewSwitch /> : null}
        {k8sValue && !k8sRaw ? (
          <K8sView />
        ) : isText(loaded.value) ? (
          <ValueEditor value={loaded.value.data} mode="plain" onChange={() => undefined} readOnly ariaLabel={`Value at revision ${pastRevision}`} />
        ) : (
          <HexView value={loaded.value} />
        )}
      </>
    );
  }

  if (k8sValue && !k8sRaw) {
    return (
      <>
        <RemoteChangeNotice />
        <K8sViewSwitch />
        <DraftError />
        <K8sView />
      </>
    );
  }

  return (
    <>
      <RemoteChangeNotice />
      {k8sValue ? <K8sViewSwitch /> : null}
      <EditorBar />
      <EditorLeaseChoice />
      <DraftError />
      {draftKind === 'binary' && loaded ? <HexView value={loaded.value} /> : null}
      {draftKind === 'base64' ? <Base64Editor /> : null}
      {/* Keyed by key: a fresh editor (and undo history) per key, so Undo never brings back another key's text. */}
      {draftKind === 'text' ? <TextEditor key={selectedKey ? `${selectedKey.encoding}:${selectedKey.data}` : ''} /> : null}
    </>
  );
}

/** A failed save or re-read, under the Save button it follows from; the draft stays below it. */
function DraftError() {
  const valueError = useAppStore((s) => s.valueError);
  const save = useAppStore((s) => s.save);
  const rereadKey = useAppStore((s) => s.rereadKey);
  const dismiss = useAppStore((s) => s.dismissValueError);
  const { context, handlers } = useKeyErrorContext();
  if (!valueError) return null;
  const retry = valueError.op === 'save' ? () => void save() : () => void rereadKey(valueError.reason);
  return (
    <ErrorNotice
      error={valueError.error}
      context={{ ...context, op: valueError.op === 'save' ? 'save' : 'get' }}
      handlers={{ ...handlers, retry, reread: () => void rereadKey('outcome-unknown') }}
      onDismiss={dismiss}
      testId="value-error"
      className="value-error"
    />
  );
}

function TextEditor() {
  const draft = useAppStore((s) => s.draft);
  const mode = useAppStore((s) => s.mode);
  const setDraft = useAppStore((s) => s.setDraft);
  const original = useAppStore((s) => (s.loaded?.value.encoding === 'utf8' ? s.loaded.value.data : ''));
  const endings = useMemo(() => lineEndings(original), [original]);
  const [normalize, setNormalize] = useState(false);
  // Mixed line endings cannot round-trip through the editor (it joins lines with one separator).
  const locked = endings === 'mixed' && !normalize;
  return (
    <>
      {endings === 'mixed' ? (
        <p className="notice pad-x" role="note" data-testid="mixed-line-endings">
          This value mixes line endings (\r\n, \n, \r). The text editor would unify them, so it is read-only: use “Edit as base64” to keep the
          bytes exact{normalize ? '.' : ', or '}
          {normalize ? null : (
            <button type="button" className="link" onClick={() => setNormalize(true)}>
              edit anyway (line endings become \n)
            </button>
          )}
        </p>
      ) : null}
      <ValueEditor value={draft} mode={mode} onChange={setDraft} readOnly={locked} crlf={endings === 'crlf'} />
    </>
  );
}

function Base64Editor() {
  const draft = useAppStore((s) => s.draft);
  const setDraft = useAppStore((s) => s.setDraft);
  return (
    <div className="base64-edit">
      <div className="section-label">
        Base64 <span className="muted">— saving writes exactly the decoded bytes</span>
      </div>
      <textarea className="base64-text editable" value={draft} onChange={(e) => setDraft(e.target.value)} aria-label="Value as base64 (editable)" data-testid="base64-editor" spellCheck={false} />
    </div>
  );
}

function EditorBar() {
  const draftKind = useAppStore((s) => s.draftKind);
  const mode = useAppStore((s) => s.mode);
  const dirty = useAppStore((s) => s.dirty);
  const saving = useAppStore((s) => s.saving);
  const status = useAppStore((s) => s.editorStatus);
  const draft = useAppStore((s) => s.draft);
  const setMode = useAppStore((s) => s.setMode);
  const setDraft = useAppStore((s) => s.setDraft);
  const save = useAppStore((s) => s.save);
  const revert = useAppStore((s) => s.revertDraft);
  const editAsBase64 = useAppStore((s) => s.editAsBase64);
  const cancelBase64 = useAppStore((s) => s.cancelBase64);

  const formatJson = () => {
    try {
      setDraft(JSON.stringify(JSON.parse(draft), null, 2));
    } catch {
      // invalid JSON: leave it; saving will ask
    }
  };

  const leaseChange = useAppStore((s) => s.editorLease !== null && s.editorLease.draft.mode !== 'keep');
  const refused = useAppStore(readOnlyReason);
  const canSave = !refused && !saving && (dirty || leaseChange || (status === 'missing' && draftKind !== 'binary'));

  return (
    <div className="editor-bar">
      {draftKind === 'text' ? (
        <>
          <label className="control">
            <span className="control-label">Mode</span>
            <select value={mode} onChange={(e) => setMode(e.target.value as EditorMode)} aria-label="Editor mode" data-testid="mode-select">
              {MODES.map((m) => (
                <option key={m.value} value={m.value}>
                  {m.label}
                </option>
              ))}
            </select>
          </label>
          {mode === 'json' ? (
            <button type="button" onClick={formatJson} title="Pretty-print the JSON draft">
              Format
            </button>
          ) : null}
        </>
      ) : null}
      {draftKind === 'binary' || (draftKind === 'text' && !dirty && status === 'ready') ? (
        <button type="button" onClick={editAsBase64} data-testid="edit-base64" title="Edit the exact bytes as base64">
          Edit as base64
        </button>
      ) : null}
      {draftKind === 'base64' ? (
        <button type="button" onClick={cancelBase64}>
          Cancel editing
        </button>
      ) : null}
      {/* Pushed to the right; when the panel is too narrow for one line, the group wraps whole to the next. */}
      <span className="editor-actions">
        {dirty ? <span className="dirty-mark" aria-live="polite">Unsaved changes</span> : null}
        {draftKind !== 'binary' ? (
          <>
            <button type="button" onClick={revert} disabled={!dirty || saving || status !== 'ready'}>
              Revert
            </button>
            <button type="button" className="primary" onClick={() => void save()} disabled={!canSave} title={refused ?? undefined} data-testid="save-value">
              {saving ? 'Saving…' : 'Save'}
            </button>
          </>
        ) : null}
      </span>
    </div>
  );
}
