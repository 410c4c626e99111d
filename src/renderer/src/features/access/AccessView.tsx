import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { describePermission, type PermissionType, type RoleInfo, type UserInfo } from '../../../../shared/access';
import { text } from '../../../../shared/bytes';
import type { AppError } from '../../../../shared/result';
import { useAppStore, useAppStoreApi } from '../../app/store-context';
import { Dialog } from '../../ui/Dialog';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { describeError } from '../../ui/messages';
import type { AccessDialog, AccessTarget, PermissionTargetDraft } from './access-slice';

/**
 * Users & roles of the active profile's cluster (reached from the cluster view): users with their
 * roles, roles with readable permissions, auth on/off with what enabling it will do.
 */
export function AccessView() {
  const overview = useAppStore((s) => s.accessOverview);
  const loading = useAppStore((s) => s.accessLoading);
  const error = useAppStore((s) => s.accessError);
  const load = useAppStore((s) => s.loadAccess);
  const close = useAppStore((s) => s.toggleAccessView);
  const open = useAppStore((s) => s.openAccessDialog);
  const profile = useAppStore((s) => s.activeProfile());
  const store = useAppStoreApi();
  const activeProfileId = useAppStore((s) => s.activeProfileId);
  const connected = activeProfileId !== null;

  // Another profile became active while the view is open: show its users.
  useEffect(() => {
    const s = store.getState();
    if (activeProfileId && !s.accessOverview && !s.accessLoading && !s.accessError) void load();
  }, [activeProfileId, load, store]);

  return (
    <section className="cluster-view" aria-label="Users and roles" data-testid="access-view">
      <div className="cluster-header">
        <h2>Users &amp; roles</h2>
        <span className="spacer" />
        <button type="button" onClick={() => void load()} disabled={!connected || loading}>
          {loading ? 'Reading…' : 'Refresh'}
        </button>
        <button type="button" onClick={() => close(false)}>
          Back to cluster
        </button>
      </div>
      {!connected ? <p className="muted pad">Connect to a profile to manage its users and roles.</p> : null}
      {error ? (
        <ErrorNotice
          error={error}
          context={{ op: 'access', profileName: profile?.name, username: profile?.username, deadlineMs: profile?.deadlineMs }}
          handlers={{ retry: () => void load() }}
          testId="access-error"
        />
      ) : null}
      {overview ? (
        <>
          <AuthSwitch enabled={overview.authEnabled} />
          <ListSection title="Users" addLabel="Add user…" addTestId="access-add-user" onAdd={() => open({ kind: 'add-user' })} tableTestId="access-users" first="User" second="Roles" empty="No users.">
            {overview.users.map((u) => (
              <UserRow key={u.name} user={u} />
            ))}
          </ListSection>
          <ListSection title="Roles" addLabel="Add role…" addTestId="access-add-role" onAdd={() => open({ kind: 'add-role' })} tableTestId="access-roles" first="Role" second="Permissions" empty="No roles.">
            {overview.roles.map((r) => (
              <RoleRow key={r.name} role={r} />
            ))}
          </ListSection>
        </>
      ) : loading ? (
        <p className="muted pad">Reading users and roles…</p>
      ) : null}
      <AccessDialogs />
    </section>
  );
}

/** A row action's failure, next to the row. */
function RowError({ target, colSpan }: { target: AccessTarget; colSpan?: number }) {
  const e = useAppStore((s) => (s.accessRowError?.target === target ? s.accessRowError.error : null));
  const profile = useAppStore((s) => s.activeProfile());
  if (!e) return null;
  const notice = <ErrorNotice error={e} context={{ op: 'access', username: profile?.username }} testId="access-row-error" />;
  return colSpan ? (
    <tr>
      <td colSpan={colSpan}>{notice}</td>
    </tr>
  ) : (
    notice
  );
}

function UserRow({ user }: { user: UserInfo }) {
  const open = useAppStore((s) => s.openAccessDialog);
  const del = useAppStore((s) => s.deleteUser);
  const revoke = useAppStore((s) => s.revokeRole);
  return (
    <>
      <tr data-testid="access-user" data-name={user.name}>
        <td className="mono">{user.name}</td>
        <td>
          {user.roles.length === 0 ? <span className="muted">no role</span> : null}
          {user.roles.map((r) => (
            <span key={r} className="role-badge" data-testid="access-user-role">
              {r}{' '}
              <button type="button" className="link-button" title={`Revoke role ${r} from ${user.name}`} aria-label={`Revoke role ${r} from ${user.name}`} onClick={() => void revoke(user.name, r)}>
                ×
              </button>
            </span>
          ))}
        </td>
        <td>
          <button type="button" onClick={() => open({ kind: 'grant-role', user: user.name })}>
            Grant role…
          </button>{' '}
          <button type="button" onClick={() => open({ kind: 'change-password', user: user.name })}>
            Change password…
          </button>{' '}
          <button type="button" className="danger" onClick={() => del(user.name)}>
            Delete
          </button>
        </td>
      </tr>
      <RowError target={`user:${user.name}`} colSpan={3} />
    </>
  );
}

function RoleRow({ role }: { role: RoleInfo }) {
  const open = useAppStore((s) => s.openAccessDialog);
  const del = useAppStore((s) => s.deleteRole);
  const revoke = useAppStore((s) => s.revokePermission);
  return (
    <>
      <tr data-testid="access-role" data-name={role.name}>
        <td className="mono">{role.name}</td>
        <td>
          {role.name === 'root' ? <span className="muted">everything (the root role)</span> : null}
          {role.permissions.length === 0 && role.name !== 'root' ? <span className="muted">no permission</span> : null}
          <ul className="plain-list">
            {role.permissions.map((p, i) => (
              <li key={i} data-testid="access-permission">
                {describePermission(p)}{' '}
                <button type="button" className="link-button" aria-label={`Revoke ${describePermission(p)} from ${role.name}`} onClick={() => void revoke(role.name, p)}>
                  revoke
                </button>
              </li>
            ))}
          </ul>
        </td>
        <td>
          <button type="button" onClick={() => open({ kind: 'grant-permission', role: role.name })}>
            Grant permission…
          </button>{' '}
          <button type="button" className="danger" onClick={() => del(role.name)}>
            Delete
          </button>
        </td>
      </tr>
      <RowError target={`role:${role.name}`} colSpan={3} />
    </>
  );
}

function AuthSwitch({ enabled }: { enabled: boolean }) {
  const plan = useAppStore((s) => s.accessPlan);
  const planEnable = useAppStore((s) => s.planEnableAuth);
  const enable = useAppStore((s) => s.enableAuth);
  const disable = useAppStore((s) => s.disableAuth);
  return (
    <div className="access-auth" data-testid="access-auth" data-enabled={enabled ? 'true' : 'false'}>
      <p>
        Auth is <strong>{enabled ? 'on' : 'off'}</strong>
        {enabled ? ': every client logs in; each user may do what its roles allow.' : ': anyone who reaches the cluster may read and write every key.'}{' '}
        {enabled ? (
          <button type="button" className="danger" onClick={disable}>
            Disable auth…
          </button>
        ) : (
          <button type="button" onClick={() => void planEnable()} data-testid="access-plan-enable">
            Enable auth…
          </button>
        )}
      </p>
      {!enabled && plan ? (
        <div className="access-plan" data-testid="access-plan" data-ready={plan.ready ? 'true' : 'false'}>
          {plan.ready ? <p>Enabling auth will:</p> : <p className="error-text">Auth cannot be enabled yet. Missing:</p>}
          <ul>{(plan.ready ? plan.effects : plan.missing).map((m) => <li key={m}>{m}</li>)}</ul>
          {plan.ready ? (
            <button type="button" className="primary" onClick={() => void enable()} data-testid="access-enable">
              Enable auth
            </button>
          ) : null}
        </div>
      ) : null}
      <RowError target="auth" />
    </div>
  );
}

function AccessDialogs() {
  const dialog = useAppStore((s) => s.accessDialog);
  if (!dialog) return null;
  return <AccessDialogForm dialog={dialog} key={JSON.stringify(dialog)} />;
}

const TITLES: Record<AccessDialog['kind'], string> = {
  'add-user': 'Add a user',
  'change-password': 'Change password',
  'grant-role': 'Grant a role',
  'add-role': 'Add a role',
  'grant-permission': 'Grant a permission',
};

function AccessDialogForm({ dialog }: { dialog: AccessDialog }) {
  const busy = useAppStore((s) => s.accessBusy);
  const error = useAppStore((s) => s.accessDialogError);
  const close = useAppStore((s) => s.closeAccessDialog);
  // Select the stable list, derive the names here (a selector returning a new array re-renders for ever).
  const roleInfos = useAppStore((s) => s.accessOverview?.roles);
  const roles = (roleInfos ?? []).map((r) => r.name);
  const addUser = useAppStore((st) => st.addUser);
  const changePassword = useAppStore((st) => st.changePassword);
  const grantRole = useAppStore((st) => st.grantRole);
  const addRole = useAppStore((st) => st.addRole);
  const grantPermission = useAppStore((st) => st.grantPermission);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [role, setRole] = useState(dialog.kind === 'grant-role' ? (roles[0] ?? '') : '');
  const [type, setType] = useState<PermissionType>('read');
  const [scope, setScope] = useState<PermissionTargetDraft['scope']>('prefix');
  const [key, setKey] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);

  const submit = () => {
    setLocalError(null);
    switch (dialog.kind) {
      case 'add-user':
      case 'change-password':
        if (password !== confirm) return setLocalError('The two passwords differ.');
        if (password.length === 0) return setLocalError('A password cannot be empty.');
        if (dialog.kind === 'add-user') {
          if (name.trim() === '') return setLocalError('A user needs a name.');
          return void addUser(name.trim(), password);
        }
        return void changePassword(dialog.user, password);
      case 'grant-role':
        if (role === '') return setLocalError('Choose a role.');
        return void grantRole(dialog.user, role);
      case 'add-role':
        if (name.trim() === '') return setLocalError('A role needs a name.');
        return void addRole(name.trim());
      case 'grant-permission': {
        if (scope !== 'all' && key === '') return setLocalError(scope === 'key' ? 'Type the key.' : 'Type the prefix (for every key, choose “All keys”).');
        const target: PermissionTargetDraft = scope === 'all' ? { scope } : scope === 'key' ? { scope, key: text(key) } : { scope, prefix: text(key) };
        return void grantPermission(dialog.role, type, target);
      }
    }
  };

  const who = dialog.kind === 'change-password' || dialog.kind === 'grant-role' ? ` — ${dialog.user}` : dialog.kind === 'grant-permission' ? ` — ${dialog.role}` : '';
  return (
    <Dialog
      title={`${TITLES[dialog.kind]}${who}`}
      onClose={close}
      testId="access-dialog"
      busy={busy}
      footer={
        <>
          <button type="button" onClick={close} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form="access-form" className="primary" disabled={busy} data-testid="access-submit">
            {busy ? 'Working…' : 'OK'}
          </button>
        </>
      }
    >
      <form
        id="access-form"
        className="form-stack"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {dialog.kind === 'add-user' || dialog.kind === 'add-role' ? (
          <>
            <label className="field-label" htmlFor="access-name">
              Name
            </label>
            <input id="access-name" value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} autoComplete="off" data-autofocus />
          </>
        ) : null}
        {dialog.kind === 'add-user' || dialog.kind === 'change-password' ? (
          <>
            <label className="field-label" htmlFor="access-password">
              {dialog.kind === 'add-user' ? 'Password' : 'New password'}
            </label>
            <input id="access-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
            <label className="field-label" htmlFor="access-password2">
              Password again
            </label>
            <input id="access-password2" type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password" />
          </>
        ) : null}
        {dialog.kind === 'grant-role' ? (
          <>
            <label className="field-label" htmlFor="access-role">
              Role
            </label>
            <select id="access-role" value={role} onChange={(e) => setRole(e.target.value)} data-autofocus>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </>
        ) : null}
        {dialog.kind === 'grant-permission' ? (
          <>
            <label className="field-label" htmlFor="access-type">
              Permission
            </label>
            <select id="access-type" value={type} onChange={(e) => setType(e.target.value as PermissionType)} data-autofocus>
              <option value="read">read</option>
              <option value="write">write</option>
              <option value="readwrite">read &amp; write</option>
            </select>
            <label className="field-label" htmlFor="access-scope">
              On
            </label>
            <select id="access-scope" value={scope} onChange={(e) => setScope(e.target.value as PermissionTargetDraft['scope'])}>
              <option value="prefix">every key under a prefix</option>
              <option value="key">one key</option>
              <option value="all">all keys</option>
            </select>
            {scope !== 'all' ? (
              <>
                <label className="field-label" htmlFor="access-key">
                  {scope === 'key' ? 'Key' : 'Prefix'}
                </label>
                <input id="access-key" className="mono" value={key} onChange={(e) => setKey(e.target.value)} spellCheck={false} placeholder={scope === 'key' ? '/config/app' : '/app/'} />
              </>
            ) : null}
          </>
        ) : null}
      </form>
      {localError ? (
        <div className="form-error" role="alert" data-testid="access-dialog-error">
          {localError}
        </div>
      ) : error ? (
        <DialogError error={error} />
      ) : null}
    </Dialog>
  );
}

function DialogError({ error }: { error: AppError }) {
  const profile = useAppStore((s) => s.activeProfile());
  const d = describeError(error, { op: 'access', username: profile?.username });
  return (
    <div className="form-error" role="alert" data-testid="access-dialog-error" data-code={error.code}>
      {d.title}
      {d.detail ? <div className="muted">{d.detail}</div> : null}
    </div>
  );
}

/** A titled table of users or roles with its add button; `children` are its rows. */
function ListSection({
  title,
  addLabel,
  addTestId,
  onAdd,
  tableTestId,
  first,
  second,
  empty,
  children,
}: {
  title: string;
  addLabel: string;
  addTestId: string;
  onAdd: () => void;
  tableTestId: string;
  first: string;
  second: string;
  empty: string;
  children: ReactNode[];
}) {
  return (
    <>
      <div className="cluster-header">
        <h3>{title}</h3>
        <span className="spacer" />
        <button type="button" className="primary" onClick={onAdd} data-testid={addTestId}>
          {addLabel}
        </button>
      </div>
      <div className="table-scroll">
        <table className="table" data-testid={tableTestId} aria-label={title}>
          <thead>
            <tr>
              <th scope="col">{first}</th>
              <th scope="col">{second}</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {children}
            {children.length === 0 ? (
              <tr>
                <td colSpan={3} className="muted">
                  {empty}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
}
