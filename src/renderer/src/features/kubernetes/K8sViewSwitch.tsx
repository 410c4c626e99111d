import { useAppStore } from '../../app/store-context';

/** Kubernetes view (the default for a Kubernetes value) or the raw value editor, one click apart. */
export function K8sViewSwitch() {
  const raw = useAppStore((s) => s.k8sRaw);
  const setRaw = useAppStore((s) => s.setK8sRaw);
  return (
    <div className="k8s-switch" role="group" aria-label="Show the value as">
      <button type="button" className={`tab-toggle${raw ? '' : ' pressed'}`} aria-pressed={!raw} onClick={() => setRaw(false)}>
        Kubernetes
      </button>
      <button type="button" className={`tab-toggle${raw ? ' pressed' : ''}`} aria-pressed={raw} onClick={() => setRaw(true)}>
        Value
      </button>
    </div>
  );
}
