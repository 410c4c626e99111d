import type { Bytes } from '../../../../shared/bytes';
import type { K8sNamespaceCount, K8sResourceType } from '../../../../shared/k8s';
import { useAppStore } from '../../app/store-context';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatCount, keyLabel } from '../../ui/format';
import { keyId } from '../keys/live-listing';
import { TreeKeyItem } from '../tree/TreeKeyItem';
import { K8S_ROOT } from './k8s-tree-slice';

const INDENT = 12;

/** The part of `key` after `parent`, as people read it. */
function nameUnder(parent: string, key: Bytes): string {
  if (key.encoding === 'utf8' && key.data.startsWith(parent)) return key.data.slice(parent.length) || key.data;
  return keyLabel(key, 80);
}

/** The tree's Kubernetes layout: resource type → namespace → name, then the keys that are no resource. */
export function K8sTree() {
  const resources = useAppStore((s) => s.k8sResources);
  if (!resources || resources.state === 'loading') {
    return (
      <li role="none" className="tree-note muted" style={{ paddingLeft: INDENT }}>
        Loading…
      </li>
    );
  }
  if (resources.state === 'failed') {
    return (
      <li role="none" className="tree-note">
        <ErrorNotice error={resources.error} context={{ op: 'list' }} testId="k8s-tree-error" />
      </li>
    );
  }
  const { types, other } = resources.value;
  return (
    <>
      {types.map((t) => (
        <TypeItem key={keyId(t.prefix)} type={t} />
      ))}
      {other.length > 0 ? <OtherItem keys={other} /> : null}
    </>
  );
}

function Count({ n, title }: { n: number; title: string }) {
  return (
    <span className="tree-count muted" data-testid="k8s-count" title={title}>
      ({formatCount(n)})
    </span>
  );
}

/** A type or namespace row: twisty, a label that shows its keys in the grid, its count. */
function GroupRow({ prefix, name, level, holds, count, note }: { prefix: Bytes; name: string; level: number; holds: 'namespaces' | 'names'; count: number; note?: string }) {
  const expanded = useAppStore((s) => s.k8sExpanded.has(keyId(prefix)));
  const toggle = useAppStore((s) => s.toggleK8sNode);
  const expand = useAppStore((s) => s.expandK8sNode);
  const setPrefix = useAppStore((s) => s.setPrefix);
  const shown = useAppStore((s) => prefix.encoding === 'utf8' && s.prefix === prefix.data);
  const full = keyLabel(prefix, 500);
  return (
    <div className={`tree-row${shown ? ' selected' : ''}`} style={{ paddingLeft: level * INDENT }}>
      <button type="button" className="tree-twisty" onClick={() => void toggle(prefix, holds)} aria-label={`${expanded ? 'Collapse' : 'Expand'} ${name}`} tabIndex={-1}>
        {expanded ? '▾' : '▸'}
      </button>
      <button
        type="button"
        className="tree-label k8s-group-label"
        title={`${full} — show in the grid`}
        onClick={() => {
          if (prefix.encoding === 'utf8') void setPrefix(prefix.data);
          void expand(prefix, holds);
        }}
      >
        {name}
      </button>
      <Count n={count} title={`${formatCount(count)} keys under ${full}`} />
      {note ? (
        <span className="k8s-note muted" data-testid="k8s-note" title={note}>
          {note}
        </span>
      ) : null}
    </div>
  );
}

function TypeItem({ type }: { type: K8sResourceType }) {
  const expanded = useAppStore((s) => s.k8sExpanded.has(keyId(type.prefix)));
  const shown = useAppStore((s) => type.prefix.encoding === 'utf8' && s.prefix === type.prefix.data);
  const holds = type.namespaced ? 'namespaces' : 'names';
  const note = type.note ?? (type.namespaced ? undefined : 'cluster-scoped');
  return (
    <li role="treeitem" aria-level={1} aria-expanded={expanded} aria-selected={shown} aria-label={type.resource} data-testid="k8s-type">
      <GroupRow prefix={type.prefix} name={type.resource} level={1} holds={holds} count={type.count} {...(note ? { note } : {})} />
      {expanded ? <ul role="group">{type.namespaced ? <Namespaces prefix={type.prefix} /> : <Names prefix={type.prefix} level={2} />}</ul> : null}
    </li>
  );
}

function Namespaces({ prefix }: { prefix: Bytes }) {
  const load = useAppStore((s) => s.k8sNamespaces.get(keyId(prefix)));
  if (!load || load.state === 'loading') return <Note level={2} text="Loading…" />;
  if (load.state === 'failed') {
    return (
      <li role="none" className="tree-note">
        <ErrorNotice error={load.error} context={{ op: 'list' }} testId="k8s-tree-error" />
      </li>
    );
  }
  if (load.value.length === 0) return <Note level={2} text="No namespaces" />;
  return (
    <>
      {load.value.map((ns) => (
        <NamespaceItem key={keyId(ns.prefix)} ns={ns} />
      ))}
    </>
  );
}

function NamespaceItem({ ns }: { ns: K8sNamespaceCount }) {
  const expanded = useAppStore((s) => s.k8sExpanded.has(keyId(ns.prefix)));
  const shown = useAppStore((s) => ns.prefix.encoding === 'utf8' && s.prefix === ns.prefix.data);
  return (
    <li role="treeitem" aria-level={2} aria-expanded={expanded} aria-selected={shown} aria-label={ns.namespace} data-testid="k8s-namespace">
      <GroupRow prefix={ns.prefix} name={ns.namespace} level={2} holds="names" count={ns.count} />
      {expanded ? (
        <ul role="group">
          <Names prefix={ns.prefix} level={3} />
        </ul>
      ) : null}
    </li>
  );
}

function Note({ level, text }: { level: number; text: string }) {
  return (
    <li role="none" className="tree-note muted" style={{ paddingLeft: level * INDENT + 16 }}>
      {text}
    </li>
  );
}

function Names({ prefix, level }: { prefix: Bytes; level: number }) {
  const names = useAppStore((s) => s.k8sNames.get(keyId(prefix)));
  const loadMore = useAppStore((s) => s.loadMoreK8sNames);
  if (!names) return null;
  const parent = prefix.encoding === 'utf8' ? prefix.data : '';
  return (
    <>
      {names.keys.map((k) => (
        <TreeKeyItem key={keyId(k)} itemKey={k} name={nameUnder(parent, k)} level={level} indent={INDENT} testId="k8s-key" />
      ))}
      {names.loading ? <Note level={level} text="Loading…" /> : null}
      {names.error ? (
        <li role="none" className="tree-note">
          <ErrorNotice error={names.error} context={{ op: 'list' }} testId="k8s-tree-error" />
        </li>
      ) : null}
      {!names.loading && !names.error && names.keys.length === 0 ? <Note level={level} text="Empty" /> : null}
      {names.more && !names.loading ? (
        <li role="none" style={{ paddingLeft: level * INDENT }}>
          <button type="button" className="link" onClick={() => void loadMore(prefix)}>
            Show more
          </button>
        </li>
      ) : null}
    </>
  );
}

/** Keys under the root that are no resource (compact_rev_key, masterleases/…): folders open in the grid, keys in the value panel. */
function OtherItem({ keys }: { keys: readonly Bytes[] }) {
  const setPrefix = useAppStore((s) => s.setPrefix);
  const selectKey = useAppStore((s) => s.selectKey);
  return (
    <li role="treeitem" aria-level={1} aria-expanded={true} aria-label="Other keys" data-testid="k8s-other">
      <div className="tree-row tree-note muted" style={{ paddingLeft: INDENT + 16 }}>
        Other keys
      </div>
      <ul role="group">
        {keys.map((k) => {
          const name = nameUnder(K8S_ROOT, k);
          const folder = k.encoding === 'utf8' && k.data.endsWith('/');
          return (
            <li key={keyId(k)} role="treeitem" aria-level={2} aria-label={name} aria-selected={false}>
              <div className="tree-row" style={{ paddingLeft: 2 * INDENT + 16 }}>
                <button
                  type="button"
                  className={`tree-label${folder ? '' : ' tree-key'}`}
                  title={keyLabel(k, 500)}
                  onClick={() => (folder && k.encoding === 'utf8' ? void setPrefix(k.data) : void selectKey(k))}
                >
                  {name}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </li>
  );
}
