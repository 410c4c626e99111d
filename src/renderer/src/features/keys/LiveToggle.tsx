/**
 * The grid's "Live" switch and what its watch is doing: live, opening, reconnecting, stopped
 * (with why, and a way to resume). Off closes the watch; on lists again and watches from there.
 */
import { useAppStore } from '../../app/store-context';
import { RevisionControl } from './PastRevisionBanner';

export function LiveToggle() {
  const live = useAppStore((s) => s.live);
  const liveState = useAppStore((s) => s.liveState);
  const liveError = useAppStore((s) => s.liveError);
  const pastView = useAppStore((s) => s.viewRevision !== null);
  const connected = useAppStore((s) => s.activeProfileId !== null);
  const setLive = useAppStore((s) => s.setLive);
  const reloadKeys = useAppStore((s) => s.reloadKeys);

  const title = pastView
    ? 'A past revision is not live: go back to live first'
    : live
      ? 'Live updates are on: changes by anyone appear as they happen. Click to pause them.'
      : 'Live updates are off: the list shows what it held when it was read. Click to catch up and follow changes.';

  return (
    <div className="live-control">
      <button
        type="button"
        className={`live-toggle${live && !pastView ? ' on' : ''}`}
        role="switch"
        aria-checked={live && !pastView}
        aria-label="Live updates"
        title={title}
        disabled={!connected || pastView}
        onClick={() => void setLive(!live)}
        data-testid="live-toggle"
      >
        <span className={`live-dot live-${pastView ? 'off' : liveState}`} aria-hidden="true" />
        Live
      </button>
      <LiveStateText state={liveState} pastView={pastView} />
      {liveState === 'stopped' && !pastView ? (
        <span className="live-stopped" role="alert" data-testid="live-stopped">
          Live updates stopped{liveError ? `: ${liveError.message}` : '.'}{' '}
          <button type="button" className="link" onClick={() => void reloadKeys()}>
            Resume
          </button>
        </span>
      ) : null}
    </div>
  );
}

function LiveStateText({ state, pastView }: { state: string; pastView: boolean }) {
  if (pastView) return null;
  if (state === 'reconnecting') {
    return (
      <span className="live-state live-reconnecting-text" role="status" data-testid="live-reconnecting">
        Reconnecting live updates…
      </span>
    );
  }
  // Polite, so a screen reader hears when the grid starts or stops following changes.
  return (
    <span className="live-state live-sr-only" role="status" data-testid="live-state" data-state={state}>
      {state === 'live' ? 'Following changes' : state === 'opening' ? 'Starting live updates…' : ''}
    </span>
  );
}

/** Said once after a resync re-listed the grid; dismissible. */
export function LiveNotice() {
  const notice = useAppStore((s) => s.liveNotice);
  const dismiss = useAppStore((s) => s.dismissLiveNotice);
  if (!notice) return null;
  return (
    <span className="live-notice" role="status" data-testid="live-notice">
      {notice}{' '}
      <button type="button" className="link" onClick={dismiss} aria-label="Dismiss the notice">
        Dismiss
      </button>
    </span>
  );
}

/** The row under the prefix and filter: the live switch, its state, notices, and the past-revision control. */
export function LiveBar() {
  return (
    <div className="grid-live-bar">
      <LiveToggle />
      <LiveNotice />
      <span className="spacer" />
      <RevisionControl />
    </div>
  );
}
