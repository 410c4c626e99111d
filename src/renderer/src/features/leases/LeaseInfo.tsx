import { useEffect } from 'react';
import { bytesEqual } from '../../../../shared/bytes';
import { useAppStore } from '../../app/store-context';
import { keyLabel } from '../../ui/format';
import { describeError } from '../../ui/messages';
import { formatTtl, leaseHex, remainingAt } from './lease-format';
import { useSecondClock } from './use-second-clock';

/** The value panel's lease: granted TTL, time left (counting down) and the other keys attached. */
export function LeaseInfo() {
  const loaded = useAppStore((s) => s.loaded);
  const id = loaded?.lease ?? '0';
  const detail = useAppStore((s) => (s.leaseDetail?.id === id ? s.leaseDetail : null));
  const t = useAppStore((s) => (id === '0' ? undefined : s.leaseTtls[id]));
  const load = useAppStore((s) => s.loadLeaseDetail);
  const now = useSecondClock();
  const modRevision = loaded?.modRevision;
  useEffect(() => {
    if (id !== '0') void load(id);
  }, [id, modRevision, load]);
  if (!loaded || id === '0') return null;
  const left = t ? remainingAt(t.ttl, t.at, now) : undefined;
  const others = detail?.detail ? detail.detail.keys.filter((k) => !bytesEqual(k, loaded.key)) : [];
  const otherCount = detail?.detail ? detail.detail.keyCount - (detail.detail.keys.some((k) => bytesEqual(k, loaded.key)) ? 1 : 0) : undefined;
  const err = detail?.error && detail.error.code !== 'NOT_FOUND' ? describeError(detail.error) : null;
  return (
    <section className="lease-info" aria-label="Lease" data-testid="lease-info">
      <dl className="meta">
        <div>
          <dt>Lease</dt>
          <dd className="mono">
            {leaseHex(id)} <span className="muted">({id})</span>
          </dd>
        </div>
        <div>
          <dt>Granted TTL</dt>
          <dd>{t ? formatTtl(t.grantedTtl) : '…'}</dd>
        </div>
        <div>
          <dt>Remaining</dt>
          <dd data-testid="lease-remaining">{left === undefined ? '…' : formatTtl(left)}</dd>
        </div>
        <div>
          <dt>Other keys</dt>
          <dd>{otherCount === undefined ? '…' : otherCount}</dd>
        </div>
      </dl>
      {others.length > 0 ? (
        <ul className="lease-keys" aria-label="Other keys attached to this lease">
          {others.map((k) => (
            <li key={keyLabel(k, 400)} className="mono">
              {keyLabel(k)}
            </li>
          ))}
          {otherCount !== undefined && otherCount > others.length ? <li className="muted">… and {otherCount - others.length} more</li> : null}
        </ul>
      ) : null}
      {err ? (
        <div className="form-error" role="alert">
          {err.title}
        </div>
      ) : null}
    </section>
  );
}
