import type { JobInfo } from '../../../../shared/types';
import { formatCount } from '../../ui/format';

/** A running job's progress bar and words; nothing once it has ended. */
export function TransferProgress({ job, unit, onCancel }: { job: JobInfo | null; unit: string; onCancel: () => void }) {
  if (job?.state !== 'running') return null;
  const p = job.progress;
  const total = p?.total ?? 0;
  return (
    <div className="transfer-progress" data-testid="transfer-progress">
      <progress max={total || undefined} value={total ? Math.min(p?.done ?? 0, total) : undefined} />
      <span>
        {p?.phase ?? 'starting'}: {formatCount(p?.done ?? 0)}
        {total ? ` of ${formatCount(total)}` : ''} {unit}
      </span>
      <button type="button" onClick={onCancel} data-testid="transfer-cancel">
        Stop
      </button>
    </div>
  );
}
