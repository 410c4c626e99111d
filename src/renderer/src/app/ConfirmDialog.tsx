import { Dialog } from '../ui/Dialog';
import { useAppStore } from './store-context';

/** The one confirmation dialog, driven by `confirm` in the store. */
export function ConfirmDialog() {
  const confirm = useAppStore((s) => s.confirm);
  const resolve = useAppStore((s) => s.resolveConfirm);
  if (!confirm) return null;
  return (
    <Dialog
      title={confirm.title}
      onClose={() => resolve(false)}
      testId="confirm-dialog"
      footer={
        <>
          <button type="button" onClick={() => resolve(false)}>
            {confirm.cancelLabel ?? 'Cancel'}
          </button>
          <button
            type="button"
            className={confirm.danger ? 'danger' : 'primary'}
            onClick={() => resolve(true)}
            data-autofocus={confirm.danger ? undefined : true}
          >
            {confirm.confirmLabel}
          </button>
        </>
      }
    >
      <p className="confirm-message">{confirm.message}</p>
      {confirm.subject ? <pre className="confirm-subject">{confirm.subject}</pre> : null}
    </Dialog>
  );
}
