import type { ReactNode } from 'react';
import type { AppError } from '../../../shared/result';
import { Icon } from './Icon';
import { ACTION_LABELS, describeError, type ErrorActionHandlers, type ErrorContext } from './messages';

/**
 * An error where it happened (the grid, the value panel, the sidebar, the cluster view): the
 * sentence for its code, the server's words as detail, and the follow-up its code suggests
 * when the place offers one.
 */
export function ErrorNotice({
  error,
  context,
  handlers = {},
  onDismiss,
  testId,
  className,
  id,
  lead,
}: {
  error: AppError;
  context: ErrorContext;
  handlers?: ErrorActionHandlers;
  onDismiss?: () => void;
  testId?: string;
  className?: string;
  id?: string;
  /** Said before the error's sentence (what is on screen despite it, for example). */
  lead?: ReactNode;
}) {
  // A write the user cancelled at its confirmation: nothing happened, nothing to show.
  if (error.code === 'CANCELLED') return null;
  const d = describeError(error, context);
  const run = d.action ? handlers[d.action] : undefined;
  return (
    <div id={id} className={`error-notice${className ? ` ${className}` : ''}`} role="alert" data-testid={testId} data-code={error.code}>
      <div className="error-notice-text">
        {lead}
        {d.title}
        {d.detail ? <div className="error-notice-detail">{d.detail}</div> : null}
      </div>
      {run && d.action ? (
        <button type="button" onClick={run}>
          {ACTION_LABELS[d.action]}
        </button>
      ) : null}
      {onDismiss ? (
        <button type="button" className="icon-button" aria-label="Dismiss error" onClick={onDismiss}>
          <Icon name="close" size={12} />
        </button>
      ) : null}
    </div>
  );
}
