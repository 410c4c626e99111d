/**
 * Browsing the current prefix at a past revision: the "View at revision…" control (with its
 * failure in words beside it), and the banner that says the rows are a read-only past.
 */
import { useEffect, useRef, useState } from 'react';
import type { AppError } from '../../../../shared/result';
import { useAppStore, useAppStoreApi } from '../../app/store-context';

/** Why a past revision could not be listed, by code. */
export function revisionErrorText(revision: number, error: AppError): string {
  switch (error.code) {
    case 'COMPACTED':
      return `Revision ${revision} was compacted: etcd no longer keeps it. Pick a later revision.`;
    case 'INVALID_ARGUMENT':
      return revision >= 1
        ? `Revision ${revision} does not exist yet: it is newer than the cluster's current revision.`
        : 'A revision is a whole number from 1.';
    default:
      return `Could not list at revision ${revision}: ${error.message}`;
  }
}

export function RevisionControl() {
  const connected = useAppStore((s) => s.activeProfileId !== null);
  const viewRevision = useAppStore((s) => s.viewRevision);
  const listRevision = useAppStore((s) => s.listRevision);
  const failure = useAppStore((s) => s.viewRevisionError);
  const loading = useAppStore((s) => s.viewRevisionLoading);
  const viewAtRevision = useAppStore((s) => s.viewAtRevision);
  const clearError = useAppStore((s) => s.clearViewRevisionError);
  const store = useAppStoreApi();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (open) inputRef.current?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    clearError();
  };

  const submit = async () => {
    const n = Number(value.trim());
    await viewAtRevision(Number.isInteger(n) ? n : NaN);
  };

  if (!open) {
    return (
      <button
        type="button"
        className="tool-button revision-open"
        disabled={!connected}
        onClick={() => {
          setValue(String(viewRevision ?? (listRevision > 1 ? listRevision - 1 : '')));
          setOpen(true);
        }}
        title="List this prefix as it was at a past revision (read-only)"
        data-testid="view-at-revision"
      >
        View at revision…
      </button>
    );
  }
  return (
    <form
      className="revision-form"
      aria-label="View at revision"
      onSubmit={(e) => {
        e.preventDefault();
        void submit().then(() => {
          // Listed: the banner takes over. Failed: the form stays, with why beside it.
          if (store.getState().viewRevisionError === null) setOpen(false);
        });
      }}
    >
      <input
        ref={inputRef}
        type="number"
        min={1}
        step={1}
        inputMode="numeric"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') close();
        }}
        aria-label="Revision"
        aria-invalid={failure !== null}
        aria-describedby={failure ? 'revision-error' : undefined}
        data-testid="revision-input"
      />
      <button type="submit" className="tool-button" disabled={loading || value.trim() === ''} data-testid="revision-view">
        View
      </button>
      <button type="button" className="link" onClick={close}>
        Cancel
      </button>
      {failure ? (
        <span id="revision-error" className="revision-error" role="alert" data-testid="revision-error" data-code={failure.error.code}>
          {revisionErrorText(failure.revision, failure.error)}
        </span>
      ) : null}
    </form>
  );
}

export function PastRevisionBanner() {
  const viewRevision = useAppStore((s) => s.viewRevision);
  const prefix = useAppStore((s) => s.prefix);
  const backToLive = useAppStore((s) => s.backToLive);
  if (viewRevision === null) return null;
  return (
    <div className="past-banner" role="status" data-testid="past-banner">
      <span>
        Viewing <code>{prefix || '/ (whole keyspace)'}</code> at revision {viewRevision} (read-only) —{' '}
      </span>
      <button type="button" className="link" onClick={() => void backToLive()} data-testid="back-to-live">
        Back to live
      </button>
    </div>
  );
}
