import type { Profile } from '../../../../shared/types';
import { useAppStore } from '../../app/store-context';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Icon } from '../../ui/Icon';
import { FolderTree } from '../tree/FolderTree';
import { ConnectionDot, connectionHealth } from './ConnectionDot';
import { ModeBadge } from './ModeBadge';

/** Saved profiles: click to connect or switch; edit / duplicate / delete beside each. */
export function Sidebar() {
  const profiles = useAppStore((s) => s.profiles);
  const loaded = useAppStore((s) => s.profilesLoaded);
  const secretStorage = useAppStore((s) => s.secretStorage);
  const openForm = useAppStore((s) => s.openProfileForm);
  const profilesError = useAppStore((s) => s.profilesError);
  const loadProfiles = useAppStore((s) => s.loadProfiles);

  return (
    <nav className="sidebar" id="sidebar" aria-label="Connection profiles">
      <div className="sidebar-header">
        <span className="sidebar-title">Connections</span>
        <button type="button" className="icon-button" onClick={() => openForm('add')} title="Add a connection profile" aria-label="Add profile" data-testid="add-profile">
          <Icon name="plus" />
        </button>
      </div>
      <ul className="profile-list">
        {profiles.map((p) => (
          <ProfileItem key={p.id} profile={p} />
        ))}
      </ul>
      {profilesError ? (
        <ErrorNotice error={profilesError} context={{ op: 'profiles' }} handlers={{ retry: () => void loadProfiles() }} testId="profiles-error" className="sidebar-error" />
      ) : null}
      {loaded && profiles.length === 0 && !profilesError ? (
        <div className="sidebar-empty">
          <p>No saved connections yet.</p>
          <button type="button" className="primary" onClick={() => openForm('add')}>
            Add a connection
          </button>
        </div>
      ) : null}
      {secretStorage === 'unavailable' ? (
        <p className="sidebar-note" title="The OS offers no keychain / secret service to encrypt passwords with.">
          Passwords cannot be encrypted on this machine.
        </p>
      ) : null}
      <FolderTree />
    </nav>
  );
}

function ProfileItem({ profile }: { profile: Profile }) {
  const active = useAppStore((s) => s.activeProfileId === profile.id);
  const status = useAppStore((s) => s.statuses[profile.id]);
  const health = connectionHealth(status);
  const switchProfile = useAppStore((s) => s.switchProfile);
  const openForm = useAppStore((s) => s.openProfileForm);
  const askConfirm = useAppStore((s) => s.askConfirm);
  const removeProfile = useAppStore((s) => s.removeProfile);

  const onDelete = () =>
    askConfirm({
      title: 'Delete profile?',
      message: `Delete the connection profile “${profile.name}”? Its saved password is removed too. Nothing in etcd is touched.`,
      subject: profile.endpoints.join('\n'),
      confirmLabel: 'Delete profile',
      danger: true,
      onConfirm: () => void removeProfile(profile.id),
    });

  return (
    <li className={`profile-item${active ? ' active' : ''}`} data-testid="profile-item" data-profile-id={profile.id}>
      <button
        type="button"
        className="profile-main"
        onClick={() => void switchProfile(profile.id)}
        aria-current={active ? 'true' : undefined}
        title={`${profile.endpoints.join(', ')} — ${health.description}`}
      >
        <span className="profile-color" style={{ background: profile.color ?? 'transparent' }} aria-hidden="true" />
        <span className="profile-text">
          <span className="profile-name">{profile.name}</span>
          <span className="profile-endpoint">{profile.endpoints[0] ?? ''}{profile.endpoints.length > 1 ? ` +${profile.endpoints.length - 1}` : ''}</span>
        </span>
        <ModeBadge profile={profile} testId="profile-mode-badge" />
        <ConnectionDot health={health} />
      </button>
      <span className="profile-actions">
        <button type="button" className="icon-button" onClick={() => openForm('edit', profile)} aria-label={`Edit profile ${profile.name}`} title="Edit">
          <Icon name="edit" />
        </button>
        <button type="button" className="icon-button" onClick={() => openForm('duplicate', profile)} aria-label={`Duplicate profile ${profile.name}`} title="Duplicate">
          <Icon name="copy" />
        </button>
        <button type="button" className="icon-button" onClick={onDelete} aria-label={`Delete profile ${profile.name}`} title="Delete">
          <Icon name="trash" />
        </button>
      </span>
    </li>
  );
}
