import { useAppStore } from '../../app/store-context';

/** The grid's prefix as a path by the tree's delimiter: each step lists that folder. */
export function Breadcrumbs() {
  const prefix = useAppStore((s) => s.prefix);
  const delimiter = useAppStore((s) => s.treeDelimiter());
  const connected = useAppStore((s) => s.activeProfileId !== null);
  const setPrefix = useAppStore((s) => s.setPrefix);
  if (!connected || prefix === '') return null;
  const steps: { prefix: string; label: string }[] = [];
  let from = 0;
  for (let at = prefix.indexOf(delimiter); at >= 0; at = prefix.indexOf(delimiter, from)) {
    const end = at + delimiter.length;
    steps.push({ prefix: prefix.slice(0, end), label: prefix.slice(from, end) });
    from = end;
  }
  if (from < prefix.length) steps.push({ prefix, label: prefix.slice(from) });
  return (
    <nav className="breadcrumbs" aria-label="Prefix path" data-testid="breadcrumbs">
      <button type="button" className="link" onClick={() => void setPrefix('')}>
        All keys
      </button>
      {steps.map((s) => (
        <span key={s.prefix} className="crumb">
          <span className="crumb-sep" aria-hidden="true">
            ›
          </span>
          <button type="button" className="link" onClick={() => void setPrefix(s.prefix)} aria-current={s.prefix === prefix ? 'location' : undefined} title={s.prefix}>
            {s.label}
          </button>
        </span>
      ))}
    </nav>
  );
}
