import type { ReactNode } from 'react';

/**
 * The footer of a dialog that runs a job: Cancel while it runs (the job's own cancel), Close
 * (and any after-actions, e.g. Undo) once it ended, Cancel + the submit button before it starts.
 */
export function JobDialogFooter({
  stage,
  canCancelJob,
  onCancelJob,
  cancelJobTestId,
  onClose,
  ended,
  submit,
}: {
  stage: 'editing' | 'busy' | 'ended';
  canCancelJob: boolean;
  onCancelJob: () => void;
  cancelJobTestId?: string;
  onClose: () => void;
  /** Buttons shown before Close once the job ended. */
  ended?: ReactNode;
  /** The submit button shown while editing (it submits the dialog's form). */
  submit: ReactNode;
}) {
  if (stage === 'busy') {
    return (
      <button type="button" onClick={onCancelJob} data-testid={cancelJobTestId} disabled={!canCancelJob}>
        Cancel
      </button>
    );
  }
  if (stage === 'ended') {
    return (
      <>
        {ended}
        <button type="button" className="primary" onClick={onClose} data-autofocus>
          Close
        </button>
      </>
    );
  }
  return (
    <>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      {submit}
    </>
  );
}
