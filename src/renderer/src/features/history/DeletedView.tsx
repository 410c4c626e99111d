import { useAppStore } from '../../app/store-context';

/** Recently deleted keys under the current prefix (placeholder until the history feature lands). */
export function DeletedView() {
  const close = useAppStore((s) => s.toggleView);
  return (
    <section className="cluster-view" aria-label="Recently deleted" data-testid="deleted-view">
      <div className="cluster-header">
        <h2>Recently deleted</h2>
        <span className="spacer" />
        <button type="button" onClick={() => close('deleted')}>
          Close
        </button>
      </div>
    </section>
  );
}
