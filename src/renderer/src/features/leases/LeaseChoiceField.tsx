import { useId } from 'react';
import type { LeaseChoiceDraft } from './lease-format';

const MODES: ReadonlyArray<{ mode: LeaseChoiceDraft['mode']; label: string }> = [
  { mode: 'keep', label: 'Keep the current lease' },
  { mode: 'none', label: 'No lease (detach)' },
  { mode: 'attach', label: 'Attach an existing lease' },
  { mode: 'grant', label: 'New lease with a TTL' },
];

/** What a write does to the key's lease: an explicit choice, never a side effect. */
export function LeaseChoiceField({
  value,
  onChange,
  disabled,
  isNew,
}: {
  readonly value: LeaseChoiceDraft;
  readonly onChange: (next: LeaseChoiceDraft) => void;
  readonly disabled?: boolean;
  /** A new key has no lease to keep: "keep" means none there. */
  readonly isNew?: boolean;
}) {
  const uid = useId();
  return (
    <fieldset className="lease-choice" disabled={disabled} aria-label="Lease">
      <legend>Lease</legend>
      <select id={`${uid}-mode`} aria-label="Lease choice" value={value.mode} onChange={(e) => onChange({ ...value, mode: e.target.value as LeaseChoiceDraft['mode'] })}>
        {MODES.filter((m) => !(isNew && m.mode === 'keep')).map((m) => (
          <option key={m.mode} value={m.mode}>
            {m.label}
          </option>
        ))}
      </select>
      {value.mode === 'attach' ? (
        <input
          aria-label="Lease id"
          placeholder="id: decimal, or hex as etcdctl prints it (0x when all digits)"
          value={value.id}
          onChange={(e) => onChange({ ...value, id: e.target.value })}
          spellCheck={false}
          className="mono"
        />
      ) : null}
      {value.mode === 'grant' ? (
        <input aria-label="New lease TTL (seconds)" inputMode="numeric" value={value.ttl} onChange={(e) => onChange({ ...value, ttl: e.target.value })} className="mono" />
      ) : null}
    </fieldset>
  );
}
