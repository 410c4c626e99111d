import { ConnectionDot, connectionHealth } from '../features/connections/ConnectionDot';
import { formatCount } from '../ui/format';
import { Icon } from '../ui/Icon';
import { useAppStore } from './store-context';

/** Bottom line: connection, endpoint, revision, loaded/total, and the latest message with its action. */
export function StatusBar() {
  const profile = useAppStore((s) => s.profiles.find((p) => p.id === s.activeProfileId));
  const status = useAppStore((s) => (s.activeProfileId ? s.statuses[s.activeProfileId] : undefined));
  // While the grid follows its watch, what is on screen is current up to the watch's revision.
  const revision = useAppStore((s) => (s.readOnlyView ? s.listRevision : Math.max(s.listRevision, s.liveRevision)));
  const live = useAppStore((s) => !s.readOnlyView && s.liveRevision > s.listRevision);
  const loaded = useAppStore((s) => s.items.length + (s.jump?.items.length ?? 0));
  const total = useAppStore((s) => s.total);
  const stale = useAppStore((s) => s.listStale);
  const message = useAppStore((s) => s.statusMessage);
  const clearStatus = useAppStore((s) => s.clearStatus);

  // Main reports several endpoints comma-separated: show the first and how many more (as the sidebar does).
  const endpoints = (status?.endpoint ?? profile?.endpoints.join(',') ?? '').split(',').filter(Boolean);
  const endpoint = endpoints.length ? `${endpoints[0]}${endpoints.length > 1 ? ` +${endpoints.length - 1}` : ''}` : undefined;

  // Degraded ("2 of 3 members") and no quorum are said in words and colour, with the why on hover.
  const health = connectionHealth(profile ? status : undefined);

  return (
    <footer className="status-bar" data-testid="status-bar">
      <span className="status-conn" data-testid="status-connection">
        <ConnectionDot health={health} />
        {profile ? (
          <>
            <span className="status-profile">{profile.name}</span>
            <span className={`status-health health-${health.tone}`} title={health.description} data-testid="status-health">
              {health.label}
            </span>
          </>
        ) : (
          <span>Not connected</span>
        )}
      </span>
      {endpoint && profile ? <span className="status-item status-secondary" title={`Endpoints: ${endpoints.join(', ')}`}>{endpoint}</span> : null}
      {status?.version ? <span className="status-item status-secondary">etcd {status.version}</span> : null}
      <span className={`status-message ${message ? `kind-${message.kind}` : ''}`} role="status" aria-live="polite" data-testid="status-message">
        {message ? (
          <>
            <span className="status-text" title={message.detail ?? message.text}>
              {message.text}
            </span>
            {message.action ? (
              <button type="button" className="status-action" onClick={message.action.run} data-testid="status-action">
                {message.action.label}
              </button>
            ) : null}
            <button type="button" className="icon-button" aria-label="Dismiss message" onClick={clearStatus}>
              <Icon name="close" size={12} />
            </button>
          </>
        ) : null}
      </span>
      {profile && revision > 0 ? <span className="status-item" title={live ? 'Every change up to this revision is on screen (live updates)' : 'The revision this listing is pinned to'}>rev {revision}</span> : null}
      {profile ? (
        <span className="status-item" data-testid="status-counts">
          {formatCount(loaded)} / {total !== null ? formatCount(total) : '?'} keys{stale ? ' (stale)' : ''}
        </span>
      ) : null}
    </footer>
  );
}
