import { Dialog } from '../ui/Dialog';
import { useAppStore } from './store-context';

/** Confirms a write to a production profile: names the profile, its cluster and the operation; wants the name (or key) typed. */
export function WriteConfirmDialog() {
  const c = useAppStore((s) => s.writeConfirm);
  const setTyped = useAppStore((s) => s.setWriteConfirmTyped);
  const resolve = useAppStore((s) => s.resolveWriteConfirm);
  if (!c) return null;
  const matches = c.typed === c.expected;
  return (
    <Dialog
      title={`Write to production: “${c.profileName}”`}
      onClose={() => resolve(false)}
      testId="write-confirm-dialog"
      width={480}
      footer={
        <>
          <button type="button" onClick={() => resolve(false)} data-testid="write-confirm-cancel">
            Cancel
          </button>
          <button type="submit" form="write-confirm-form" className="danger" disabled={!matches} data-testid="write-confirm-ok">
            Confirm
          </button>
        </>
      }
    >
      <form
        id="write-confirm-form"
        onSubmit={(e) => {
          e.preventDefault();
          resolve(true);
        }}
      >
        <p className="confirm-message" data-testid="write-confirm-operation">
          {c.operation}
        </p>
        <p className="confirm-message">
          Profile <strong>{c.profileName}</strong> (production), cluster <code>{c.endpoints.join(', ')}</code>.
        </p>
        <label className="field">
          <span>{c.asks === 'key' ? 'Type the key to confirm' : 'Type the profile name to confirm'}</span>
          <pre className="confirm-subject">{c.expected}</pre>
          <input
            value={c.typed}
            onChange={(e) => setTyped(e.target.value)}
            aria-label={c.asks === 'key' ? 'Key to confirm' : 'Profile name to confirm'}
            data-testid="write-confirm-input"
            data-autofocus
            autoComplete="off"
            spellCheck={false}
          />
        </label>
      </form>
    </Dialog>
  );
}
