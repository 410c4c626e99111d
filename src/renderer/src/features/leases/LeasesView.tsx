import { useEffect } from 'react';
import type { LeaseInfo as LeaseRow } from '../../../../shared/types';
import { useAppStore } from '../../app/store-context';
import { readOnlyReason } from '../../ui/modes';
import { Dialog } from '../../ui/Dialog';
import { describeError } from '../../ui/messages';
import { keyLabel } from '../../ui/format';
import { formatTtl, leaseHex, remainingAt } from './lease-format';
import { LEASES_PAGE } from './leases-slice';
import { useSecondClock } from './use-second-clock';

/**
 * Every lease of the cluster, a page at a time: id (hex and decimal), granted TTL, time left
 * (counting down), attached keys; grant, revoke (after a confirmation listing the keys it
 * deletes), keep alive once, or continuously while this view is open.
 */
export function LeasesView() {
  const refused = useAppStore(readOnlyReason);
  const close = useAppStore((s) => s.toggleView);
  const page = useAppStore((s) => s.leasePage);
  const loading = useAppStore((s) => s.leasesLoading);
  const error = useAppStore((s) => s.leasesError);
  const actionError = useAppStore((s) => s.leaseActionError);
  const load = useAppStore((s) => s.loadLeases);
  const openGrant = useAppStore((s) => s.openLeaseGrant);
  const stop = useAppStore((s) => s.stopKeepAlives);
  const profileId = useAppStore((s) => s.activeProfileId);

  useEffect(() => {
    if (profileId) void load(0);
  }, [profileId, load]);
  // Continuous keep-alives last while the view is open.
  useEffect(() => () => stop(), [stop]);

  const total = page?.total ?? 0;
  const offset = page?.offset ?? 0;
  const errText = error ? describeError(error) : null;
  const actionText = actionError ? describeError(actionError) : null;

  return (
    <section className="cluster-view leases-view" aria-label="Leases" data-testid="leases-view">
      <div className="cluster-header">
        <h2>Leases</h2>
        <span className="muted">{page ? `${total} ${total === 1 ? 'lease' : 'leases'}` : ''}</span>
        <span className="spacer" />
        <button type="button" onClick={() => void load()} disabled={!profileId || loading}>
          {loading ? 'Reading…' : 'Refresh'}
        </button>
        <button type="button" className="primary" onClick={openGrant} disabled={!profileId || refused !== null} title={refused ?? undefined} data-testid="lease-grant">
          Grant lease…
        </button>
        <button type="button" onClick={() => close('leases')}>
          Close
        </button>
      </div>
      <p className="muted lease-note">
        Keeping a lease alive keeps every key attached to it. Keeping alive someone else’s lease may keep a dead holder’s lock or registration alive.
      </p>
      {errText ? (
        <div className="form-error" role="alert">
          Could not list the leases: {errText.title}
        </div>
      ) : null}
      {actionText ? (
        <div className="form-error" role="alert" data-testid="lease-action-error">
          {actionText.title}
          {actionText.detail ? <div className="muted">{actionText.detail}</div> : null}
        </div>
      ) : null}
      <div className="table-scroll">
        <table className="table" data-testid="leases-table" aria-label="Leases">
          <thead>
            <tr>
              <th scope="col">Lease (hex / decimal)</th>
              <th scope="col">Granted</th>
              <th scope="col">Remaining</th>
              <th scope="col">Keys</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {page?.items.map((l) => <LeaseTableRow key={l.id} lease={l} />)}
            {page && page.items.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  No leases.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {total > LEASES_PAGE ? (
        <div className="lease-pager" role="navigation" aria-label="Lease pages">
          <button type="button" onClick={() => void load(Math.max(0, offset - LEASES_PAGE))} disabled={loading || offset === 0}>
            Previous
          </button>
          <span>
            {offset + 1}–{Math.min(total, offset + LEASES_PAGE)} of {total}
          </span>
          <button type="button" onClick={() => void load(offset + LEASES_PAGE)} disabled={loading || offset + LEASES_PAGE >= total}>
            Next
          </button>
        </div>
      ) : null}
      <LeaseKeys />
      <GrantDialog />
    </section>
  );
}

function LeaseTableRow({ lease }: { readonly lease: LeaseRow }) {
  const now = useSecondClock();
  const t = useAppStore((s) => s.leaseTtls[lease.id]);
  const keeping = useAppStore((s) => s.keepingAlive[lease.id] === true);
  const revoke = useAppStore((s) => s.requestRevokeLease);
  const once = useAppStore((s) => s.keepLeaseAliveOnce);
  const toggle = useAppStore((s) => s.toggleKeepAlive);
  const showKeys = useAppStore((s) => s.toggleLeaseKeys);
  const keysShown = useAppStore((s) => s.leaseKeys?.id === lease.id);
  const refused = useAppStore(readOnlyReason);
  const hex = leaseHex(lease.id);
  const left = t ? remainingAt(t.ttl, t.at, now) : lease.ttl;
  const gone = left < 0;
  return (
    <tr data-testid="lease-row" data-lease={lease.id} aria-label={`Lease ${hex}`}>
      <td className="lease-id">
        <span className="mono">{hex}</span>
        <span className="mono muted lease-decimal">{lease.id}</span>
      </td>
      <td className="num">{formatTtl(t?.grantedTtl ?? lease.grantedTtl)}</td>
      <td className={`num${gone ? ' expired' : ''}`} data-testid="lease-remaining">
        {formatTtl(left)}
      </td>
      <td className="num">{t?.keyCount ?? lease.keyCount}</td>
      <td className="lease-actions">
        <div className="lease-action-row">
        <button type="button" onClick={() => void once(lease.id)} disabled={gone || refused !== null} title={refused ?? undefined} aria-label={`Keep lease ${hex} alive once`}>
          Keep alive once
        </button>
        <label className="lease-toggle">
          <input type="checkbox" checked={keeping} onChange={() => void toggle(lease.id)} disabled={(gone && !keeping) || (refused !== null && !keeping)} title={refused ?? undefined} aria-label={`Keep lease ${hex} alive`} />
          Keep alive
        </label>
        <button type="button" onClick={() => void showKeys(lease.id)} aria-pressed={keysShown} aria-label={`Keys of lease ${hex}`}>
          Keys
        </button>
        <button type="button" className="danger" onClick={() => void revoke(lease.id)} disabled={gone || refused !== null} title={refused ?? undefined} aria-label={`Revoke lease ${hex}`}>
          Revoke…
        </button>
        </div>
      </td>
    </tr>
  );
}

/** One lease's time to live with its attached keys. */
function LeaseKeys() {
  const shown = useAppStore((s) => s.leaseKeys);
  const t = useAppStore((s) => (shown ? s.leaseTtls[shown.id] : undefined));
  const now = useSecondClock();
  if (!shown) return null;
  const hex = leaseHex(shown.id);
  const d = shown.detail;
  const err = shown.error ? describeError(shown.error) : null;
  return (
    <section className="lease-keys-view" aria-label={`Keys of lease ${hex}`} data-testid="lease-keys">
      <h3>
        Lease {hex} <span className="muted">({shown.id})</span>
      </h3>
      {err ? (
        <div className="form-error" role="alert">
          {err.title}
        </div>
      ) : !d ? (
        <p className="muted">Reading…</p>
      ) : (
        <>
          <p>
            Granted {formatTtl(d.grantedTtl)} · {t ? formatTtl(remainingAt(t.ttl, t.at, now)) : formatTtl(d.ttl)} left · {d.keyCount} {d.keyCount === 1 ? 'key' : 'keys'}
          </p>
          <ul className="lease-keys">
            {d.keys.map((k) => (
              <li key={keyLabel(k, 400)} className="mono">
                {keyLabel(k)}
              </li>
            ))}
            {d.keyCount > d.keys.length ? <li className="muted">… and {d.keyCount - d.keys.length} more</li> : null}
          </ul>
        </>
      )}
    </section>
  );
}

function GrantDialog() {
  const g = useAppStore((s) => s.leaseGrant);
  const update = useAppStore((s) => s.updateLeaseGrant);
  const close = useAppStore((s) => s.closeLeaseGrant);
  const submit = useAppStore((s) => s.submitLeaseGrant);
  if (!g) return null;
  const err = g.error ? describeError(g.error) : null;
  return (
    <Dialog
      title="Grant a lease"
      onClose={close}
      testId="lease-grant-dialog"
      busy={g.busy}
      footer={
        <>
          <button type="button" onClick={close} disabled={g.busy}>
            Cancel
          </button>
          <button type="submit" form="lease-grant-form" className="primary" disabled={g.busy}>
            {g.busy ? 'Granting…' : 'Grant'}
          </button>
        </>
      }
    >
      <form
        id="lease-grant-form"
        className="form-stack"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field-label" htmlFor="lease-ttl">
          TTL (seconds)
        </label>
        <input id="lease-ttl" inputMode="numeric" value={g.ttl} onChange={(e) => update({ ttl: e.target.value })} data-autofocus />
        <label className="field-label" htmlFor="lease-id">
          Id (optional: decimal, or hex as etcdctl prints it; 0x when all digits)
        </label>
        <input id="lease-id" value={g.id} onChange={(e) => update({ id: e.target.value })} spellCheck={false} className="mono" placeholder="etcd chooses one" />
      </form>
      {err ? (
        <div className="form-error" role="alert">
          {err.title}
          {err.detail ? <div className="muted">{err.detail}</div> : null}
        </div>
      ) : null}
    </Dialog>
  );
}
