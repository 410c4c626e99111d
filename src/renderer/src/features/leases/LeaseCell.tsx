import { useEffect } from 'react';
import { useAppStore } from '../../app/store-context';
import { formatTtl, leaseHex, remainingAt } from './lease-format';
import { useSecondClock } from './use-second-clock';

/**
 * The key grid's lease column: the id in hex (as etcdctl prints it) and the seconds left,
 * counting down. Only rows on screen render it, so only their leases are asked for.
 */
export function LeaseCell({ id }: { readonly id: string }) {
  const now = useSecondClock();
  const t = useAppStore((s) => (id === '0' ? undefined : s.leaseTtls[id]));
  const ensure = useAppStore((s) => s.ensureLeaseTtl);
  useEffect(() => {
    if (id !== '0') ensure(id);
  }, [id, ensure, now]);
  if (id === '0') return <span role="gridcell" className="num lease-cell" />;
  const hex = leaseHex(id);
  const left = t ? remainingAt(t.ttl, t.at, now) : undefined;
  const ttl = left === undefined ? '…' : formatTtl(left);
  return (
    <span role="gridcell" className={`num lease-cell${left === -1 ? ' expired' : ''}`} title={`lease ${hex} (${id}) · ${left === undefined ? 'reading TTL' : left < 0 ? 'expired' : `${ttl} left`}`} data-testid="lease-cell">
      {/* The countdown first: the column is narrow, the whole id is in the title. */}
      <span className="lease-ttl">{ttl}</span> <span className="lease-hex">{hex}</span>
    </span>
  );
}
