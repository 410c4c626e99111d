import { useEffect } from 'react';
import { useAppStore } from '../../app/store-context';
import { sameKey } from '../../ui/key-order';
import { leaseDraft } from './lease-format';
import { LeaseChoiceField } from './LeaseChoiceField';

/** The lease the editor's next save writes: keep (default), none, attach an id, or a new lease. */
export function EditorLeaseChoice() {
  const selectedKey = useAppStore((s) => s.selectedKey);
  const status = useAppStore((s) => s.editorStatus);
  const draftKind = useAppStore((s) => s.draftKind);
  const saving = useAppStore((s) => s.saving);
  const editorLease = useAppStore((s) => s.editorLease);
  const setLease = useAppStore((s) => s.setEditorLease);
  const clear = useAppStore((s) => s.clearEditorLease);
  const mine = editorLease && sameKey(editorLease.key, selectedKey) ? editorLease.draft : null;
  useEffect(() => {
    // A choice belongs to one key: another selection starts from "keep" again.
    if (editorLease && !sameKey(editorLease.key, selectedKey)) clear();
  }, [editorLease, selectedKey, clear]);
  if (!selectedKey || (status !== 'ready' && status !== 'missing') || draftKind === 'binary') return null;
  return (
    <div className="editor-lease" data-testid="editor-lease">
      <LeaseChoiceField value={mine ?? leaseDraft('keep')} onChange={setLease} disabled={saving} />
    </div>
  );
}
