import { useAppStore } from '../../app/store-context';
import { Dialog } from '../../ui/Dialog';
import { describeError } from '../../ui/messages';
import { LeaseChoiceField } from '../leases/LeaseChoiceField';

/** Create a key; if it turns out to exist, ask before overwriting. */
export function NewKeyDialog() {
  const nk = useAppStore((s) => s.newKey);
  const update = useAppStore((s) => s.updateNewKey);
  const close = useAppStore((s) => s.closeNewKey);
  const back = useAppStore((s) => s.newKeyBack);
  const submit = useAppStore((s) => s.submitNewKey);
  if (!nk) return null;

  const exists = nk.exists;
  const errorText = nk.error ? describeError(nk.error, { op: 'create', key: nk.key }) : null;

  return (
    <Dialog
      title={exists ? 'Key already exists — overwrite?' : 'New key'}
      onClose={close}
      testId="new-key-dialog"
      width={560}
      busy={nk.busy}
      footer={
        exists ? (
          <>
            <button type="button" onClick={back} disabled={nk.busy} data-autofocus>
              Back
            </button>
            <button type="button" className="danger" onClick={() => void submit({ overwrite: true })} disabled={nk.busy}>
              Overwrite
            </button>
          </>
        ) : (
          <>
            <button type="button" onClick={close} disabled={nk.busy}>
              Cancel
            </button>
            <button type="submit" form="new-key-form" className="primary" disabled={nk.busy || nk.key === ''}>
              {nk.busy ? 'Creating…' : 'Create'}
            </button>
          </>
        )
      }
    >
      {exists ? (
        <div className="pad-y">
          <p>
            The key already exists in etcd (mod revision {exists.modRevision}). Overwriting replaces its value; if it changes again before you
            confirm, nothing is written and you are asked again.
          </p>
          <pre className="confirm-subject">{nk.key}</pre>
        </div>
      ) : (
        <form
          id="new-key-form"
          className="form-stack"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <label className="field-label" htmlFor="nk-key">
            Key
          </label>
          <input id="nk-key" value={nk.key} onChange={(e) => update({ key: e.target.value })} spellCheck={false} data-autofocus data-testid="new-key-name" />
          <label className="field-label" htmlFor="nk-value">
            Value
          </label>
          <textarea
            id="nk-value"
            rows={8}
            value={nk.value}
            onChange={(e) => update({ value: e.target.value })}
            spellCheck={false}
            className="mono"
            data-testid="new-key-value"
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void submit();
              }
            }}
          />
          <LeaseChoiceField value={nk.lease} onChange={(lease) => update({ lease })} disabled={nk.busy} isNew />
        </form>
      )}
      {errorText ? (
        <div className="form-error" role="alert">
          {errorText.title}
          {errorText.detail ? <div className="muted">{errorText.detail}</div> : null}
        </div>
      ) : null}
    </Dialog>
  );
}
