import { useAppStore } from '../../app/store-context';

/** The leases view (placeholder until the leases feature lands). */
export function LeasesView() {
  const close = useAppStore((s) => s.toggleView);
  return (
    <section className="cluster-view" aria-label="Leases" data-testid="leases-view">
      <div className="cluster-header">
        <h2>Leases</h2>
        <span className="spacer" />
        <button type="button" onClick={() => close('leases')}>
          Close
        </button>
      </div>
    </section>
  );
}
