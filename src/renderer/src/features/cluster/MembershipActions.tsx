/**
 * Membership in the cluster view's Members table: "Add learner…" above it, per row "Promote"
 * (learners), "Remove…" and "Peer URLs…", and the dialogs they open (members-slice.ts). A
 * read-only profile gets them all disabled, saying why; a production profile's typed
 * confirmation comes from the central write interceptor (app/write-confirm.ts), not from here.
 */
import { useState } from 'react';
import type { ClusterStatus, MemberInfo } from '../../../../shared/types';
import { useAppStore } from '../../app/store-context';
import { Dialog } from '../../ui/Dialog';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { readOnlyReason } from '../../ui/modes';
import { parsePeerUrls } from './members-slice';

/** Why a learner's peer URLs cannot be changed (etcd would make it a voter). */
export const LEARNER_PEER_URLS_REASON = "A learner's peer URLs cannot be changed: etcd would turn it into a voting member. Promote it first, or remove it and add it again.";

function useErrorContext() {
  const profile = useAppStore((s) => s.activeProfile());
  return { op: 'members' as const, profileName: profile?.name, username: profile?.username, deadlineMs: profile?.deadlineMs };
}

/** "Add learner…", above the Members table. */
export function AddLearnerButton() {
  const refused = useAppStore(readOnlyReason);
  const busy = useAppStore((s) => s.memberBusy !== null);
  const open = useAppStore((s) => s.openAddLearner);
  return (
    <button type="button" disabled={busy || !!refused} title={refused ?? 'Add a member that does not vote until it is promoted'} onClick={open} data-testid="add-learner">
      Add learner…
    </button>
  );
}

/** The membership actions of one row of the Members table, and why the last one failed. */
export function MemberRowActions({ member }: { member: MemberInfo }) {
  const refused = useAppStore(readOnlyReason);
  const busy = useAppStore((s) => s.memberBusy);
  const rowError = useAppStore((s) => s.memberRowErrors[member.id]);
  const promote = useAppStore((s) => s.promoteLearner);
  const openRemove = useAppStore((s) => s.openRemoveMember);
  const openPeers = useAppStore((s) => s.openPeerUrls);
  const context = useErrorContext();
  const label = member.name || member.id;
  const disabled = busy !== null || !!refused;
  return (
    <>
      <span className="row-actions" data-testid="membership-actions">
        {member.isLearner ? (
          <button type="button" disabled={disabled} title={refused ?? 'Make the learner a voting member (once it has caught up with the leader)'} onClick={() => void promote(member.id, label)}>
            {busy === `promote:${member.id}` ? 'Promoting…' : 'Promote'}
          </button>
        ) : null}
        <button type="button" disabled={disabled} title={refused ?? undefined} onClick={() => void openRemove(member.id, label)}>
          Remove…
        </button>
        <button
          type="button"
          disabled={disabled || member.isLearner}
          title={refused ?? (member.isLearner ? LEARNER_PEER_URLS_REASON : undefined)}
          onClick={() => openPeers(member.id, label, member.peerUrls)}
        >
          Peer URLs…
        </button>
      </span>
      {rowError ? <ErrorNotice error={rowError} context={context} testId="member-row-error" /> : null}
    </>
  );
}

/** The open membership dialog, if any. */
export function MemberDialogs({ status }: { status: ClusterStatus }) {
  const dialog = useAppStore((s) => s.memberDialog);
  if (!dialog) return null;
  if (dialog.kind === 'add') return <AddLearnerDialog />;
  if (dialog.kind === 'remove') return <RemoveMemberDialog status={status} />;
  return <PeerUrlsDialog />;
}

function AddLearnerDialog() {
  const dialog = useAppStore((s) => s.memberDialog);
  const error = useAppStore((s) => s.memberDialogError);
  const busy = useAppStore((s) => s.memberBusy === 'add');
  const add = useAppStore((s) => s.addLearner);
  const close = useAppStore((s) => s.closeMemberDialog);
  const context = useErrorContext();
  const [name, setName] = useState('');
  const [urls, setUrls] = useState('');
  const added = dialog?.kind === 'add' ? dialog.added : null;
  const peerUrls = parsePeerUrls(urls);
  const flags = added ? added.flags.join(' \\\n  ') : '';
  return (
    <Dialog
      title={added ? `Learner “${added.name}” added` : 'Add a learner'}
      onClose={close}
      busy={busy}
      width={560}
      testId="add-learner-dialog"
      footer={
        added ? (
          <button type="button" className="primary" onClick={close} data-autofocus>
            Close
          </button>
        ) : (
          <>
            <button type="button" onClick={close} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="primary" disabled={busy || !name.trim() || peerUrls.length === 0} onClick={() => void add(name.trim(), peerUrls)}>
              {busy ? 'Adding…' : 'Add learner'}
            </button>
          </>
        )
      }
    >
      {added ? (
        <div className="learner-flags" data-testid="learner-flags">
          <p>
            Start etcd for “{added.name}” with these flags, plus its own <code>--data-dir</code> and client URLs (<code>--listen-client-urls</code>,{' '}
            <code>--advertise-client-urls</code>); then promote it once it has caught up with the leader.
          </p>
          <textarea className="mono" readOnly rows={Math.min(10, added.flags.length + 1)} value={`etcd ${flags}`} aria-label="Flags for the new member" onFocus={(e) => e.currentTarget.select()} />
          <button type="button" onClick={() => void navigator.clipboard?.writeText(added.flags.join(' '))}>
            Copy flags
          </button>
        </div>
      ) : (
        <>
          <p className="muted">A learner receives the data but does not vote until it is promoted, so adding it does not change the quorum.</p>
          <label className="member-field">
            Member name
            <input value={name} onChange={(e) => setName(e.target.value)} aria-label="Member name" placeholder="etcd-4" data-autofocus />
          </label>
          <label className="member-field">
            Peer URL(s)
            <input value={urls} onChange={(e) => setUrls(e.target.value)} aria-label="Peer URLs" placeholder="http://10.0.0.4:2380" />
          </label>
          <p className="muted">Several URLs: separate them with commas.</p>
          {error ? <ErrorNotice error={error} context={context} testId="member-dialog-error" /> : null}
        </>
      )}
    </Dialog>
  );
}

function RemoveMemberDialog({ status }: { status: ClusterStatus }) {
  const dialog = useAppStore((s) => s.memberDialog);
  const error = useAppStore((s) => s.memberDialogError);
  const busy = useAppStore((s) => s.memberBusy);
  const remove = useAppStore((s) => s.removeMember);
  const close = useAppStore((s) => s.closeMemberDialog);
  const profile = useAppStore((s) => s.activeProfile());
  const context = useErrorContext();
  const [understood, setUnderstood] = useState(false);
  if (dialog?.kind !== 'remove') return null;
  const plan = dialog.plan;
  const risky = plan?.risky === true;
  const removing = busy === 'remove';
  return (
    <Dialog
      title={`Remove ${dialog.label} from the cluster`}
      onClose={close}
      busy={removing}
      width={520}
      testId="remove-member-dialog"
      footer={
        <>
          <button type="button" onClick={close} disabled={removing} data-autofocus>
            Cancel
          </button>
          <button type="button" className="danger" disabled={!plan || busy !== null || (risky && !understood)} onClick={() => void remove(understood)}>
            {removing ? 'Removing…' : 'Remove member'}
          </button>
        </>
      }
    >
      <p>
        Profile “{profile?.name ?? ''}”, cluster <span className="mono">{status.clusterId || '(unknown id)'}</span>
        {profile?.endpoints.length ? <span className="muted mono"> ({profile.endpoints.join(', ')})</span> : null}: member{' '}
        <span className="mono">{dialog.label}</span> ({dialog.memberId}) stops being part of the cluster, for good.
      </p>
      {plan ? (
        <table className="table" data-testid="remove-plan">
          <tbody>
            <tr>
              <th>Voting members</th>
              <td data-testid="plan-voters">
                {plan.voters.before} → {plan.voters.after}
              </td>
            </tr>
            <tr>
              <th>Quorum (votes needed)</th>
              <td data-testid="plan-quorum">
                {plan.quorum.before} → {plan.quorum.after}
              </td>
            </tr>
            <tr>
              <th>Healthy voters</th>
              <td data-testid="plan-healthy">
                {plan.healthyVoters.before} → {plan.healthyVoters.after}
              </td>
            </tr>
            <tr>
              <th>Voters of unknown health</th>
              <td data-testid="plan-unknown" title="Voters the profile has no endpoint for: counted as not healthy">
                {plan.unknownVoters}
              </td>
            </tr>
          </tbody>
        </table>
      ) : busy === 'plan' ? (
        <p className="muted">Reading what the removal does to the quorum…</p>
      ) : null}
      {plan && plan.isLearner ? <p className="muted">It is a learner: it does not vote, so the quorum does not change.</p> : null}
      {risky ? (
        <div className="remove-risk" data-testid="remove-risk">
          <p className="error-text" role="alert">
            {plan?.reason ?? 'Removing it may cost the cluster its quorum.'}
          </p>
          <label>
            <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} /> I understand the cluster may lose its quorum
          </label>
        </div>
      ) : null}
      {error ? <ErrorNotice error={error} context={context} testId="member-dialog-error" /> : null}
    </Dialog>
  );
}

function PeerUrlsDialog() {
  const dialog = useAppStore((s) => s.memberDialog);
  const error = useAppStore((s) => s.memberDialogError);
  const busy = useAppStore((s) => s.memberBusy === 'peers');
  const update = useAppStore((s) => s.updatePeerUrls);
  const close = useAppStore((s) => s.closeMemberDialog);
  const context = useErrorContext();
  const [urls, setUrls] = useState(dialog?.kind === 'peers' ? dialog.peerUrls.join(', ') : '');
  if (dialog?.kind !== 'peers') return null;
  const peerUrls = parsePeerUrls(urls);
  return (
    <Dialog
      title={`Peer URLs of ${dialog.label}`}
      onClose={close}
      busy={busy}
      width={520}
      testId="peer-urls-dialog"
      footer={
        <>
          <button type="button" onClick={close} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy || peerUrls.length === 0} onClick={() => void update(peerUrls)}>
            {busy ? 'Saving…' : 'Change peer URLs'}
          </button>
        </>
      }
    >
      <label className="member-field">
        Peer URL(s)
        <input value={urls} onChange={(e) => setUrls(e.target.value)} aria-label="Peer URLs" data-autofocus />
      </label>
      <p className="muted">Several URLs: separate them with commas. The member must then be restarted to listen on them.</p>
      {error ? <ErrorNotice error={error} context={context} testId="member-dialog-error" /> : null}
    </Dialog>
  );
}
