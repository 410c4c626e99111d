import { useEffect, useState } from 'react';
import type { Bytes } from '../../../../shared/bytes';
import { text } from '../../../../shared/bytes';
import { useAppStore } from '../../app/store-context';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatCount, keyLabel } from '../../ui/format';
import { keyId } from '../keys/live-listing';
import { K8sTree } from '../kubernetes/K8sTree';
import { TreeKeyItem } from './TreeKeyItem';

const ROOT = text('');

/** A child's name under its parent folder: the part after the parent's prefix. */
function nameUnder(parent: Bytes, child: Bytes): string {
  if (parent.encoding === 'utf8' && child.encoding === 'utf8' && child.data.startsWith(parent.data)) return child.data.slice(parent.data.length) || child.data;
  return keyLabel(child, 80);
}

/** The active connection's keys as folders by delimiter; a folder opens in the grid, a key in the value panel. */
export function FolderTree() {
  const open = useAppStore((s) => s.treeOpen);
  const active = useAppStore((s) => s.activeProfileId);
  const toggleTree = useAppStore((s) => s.toggleTree);
  const ensureRoot = useAppStore((s) => s.ensureTreeRoot);
  const delimiter = useAppStore((s) => s.treeDelimiter());
  const reloadTree = useAppStore((s) => s.reloadTree);
  // The Kubernetes layout is offered when the keyspace has /registry/ (k8s:resources tells).
  const layout = useAppStore((s) => s.treeLayout());
  const k8sAvailable = useAppStore((s) => s.k8sAvailable());
  const probeK8s = useAppStore((s) => s.probeK8s);
  const setTreeLayout = useAppStore((s) => s.setTreeLayout);
  const reloadK8s = useAppStore((s) => s.reloadK8s);
  const k8s = layout === 'kubernetes';
  const k8sChosen = useAppStore((s) => s.activeProfileId !== null && s.treeLayouts[s.activeProfileId] === 'kubernetes');
  const revealK8s = useAppStore((s) => s.revealInK8sTree);
  useEffect(() => {
    if (open && active) ensureRoot();
  }, [open, active, ensureRoot]);
  // Also with the tree closed when this profile chose the layout: the grid's columns follow it.
  useEffect(() => {
    if ((open || k8sChosen) && active) probeK8s();
  }, [open, k8sChosen, active, probeK8s]);
  // The key open in the value panel is revealed in the tree (its folders expanded), as an
  // editor's explorer follows the active file.
  const selectedKey = useAppStore((s) => s.selectedKey);
  const reveal = useAppStore((s) => s.revealInTree);
  useEffect(() => {
    if (open && active && selectedKey) void (k8s ? revealK8s(selectedKey) : reveal(selectedKey));
  }, [open, active, selectedKey, reveal, k8s, revealK8s]);
  if (!active) return null;
  return (
    <section className="folder-tree" aria-label="Folders" data-testid="folder-tree">
      <div className="sidebar-header">
        <button type="button" className="sidebar-title tree-toggle" onClick={() => toggleTree()} aria-expanded={open} data-testid="tree-toggle">
          {open ? '▾' : '▸'} Folders
        </button>
        {open ? (
          <>
            {k8sAvailable ? (
              <button
                type="button"
                className="tree-layout-toggle"
                aria-pressed={k8s}
                aria-label="Kubernetes layout"
                onClick={() => setTreeLayout(k8s ? 'folders' : 'kubernetes')}
                title={k8s ? 'Show the keys as folders' : 'Show /registry/ by resource type, namespace and name'}
                data-testid="tree-layout-kubernetes"
              >
                Kubernetes
              </button>
            ) : null}
            {k8s ? null : <DelimiterField key={`${active}:${delimiter}`} delimiter={delimiter} />}
            <button
              type="button"
              className="icon-button"
              onClick={() => {
                if (k8s) void reloadK8s();
                else {
                  void reloadTree();
                  probeK8s();
                }
              }}
              title={k8s ? 'Read the resource types again' : 'Read the folders again'}
              aria-label={k8s ? 'Reload resources' : 'Reload folders'}
            >
              ↻
            </button>
          </>
        ) : null}
      </div>
      {open && k8s ? (
        <ul className="tree" role="tree" aria-label="Kubernetes resources" aria-multiselectable="true">
          <K8sTree />
        </ul>
      ) : open ? (
        <ul className="tree" role="tree" aria-label="Folder tree" aria-multiselectable="true">
          <Children prefix={ROOT} level={1} />
        </ul>
      ) : null}
    </section>
  );
}

/** The profile's delimiter, applied on Enter or leaving the field (an empty one is not applied). */
function DelimiterField({ delimiter }: { delimiter: string }) {
  const setDelimiter = useAppStore((s) => s.setTreeDelimiter);
  const [draft, setDraft] = useState(delimiter);
  const apply = () => {
    if (draft === '') setDraft(delimiter);
    else setDelimiter(draft);
  };
  return (
    <label className="tree-delimiter" title="What separates folders in keys (this profile)">
      <input
        value={draft}
        size={2}
        maxLength={8}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
          if (e.key === 'Escape') setDraft(delimiter);
        }}
        aria-label="Folder delimiter"
        spellCheck={false}
      />
    </label>
  );
}

function Children({ prefix, level }: { prefix: Bytes; level: number }) {
  const node = useAppStore((s) => s.treeNodes.get(keyId(prefix)));
  const loadMore = useAppStore((s) => s.loadMoreChildren);
  if (!node) return null;
  return (
    <>
      {node.children.map((c) =>
        c.kind === 'folder' ? (
          <FolderItem key={`f:${keyId(c.prefix)}`} prefix={c.prefix} name={nameUnder(prefix, c.prefix)} level={level} />
        ) : (
          <TreeKeyItem key={`k:${keyId(c.key)}`} itemKey={c.key} name={nameUnder(prefix, c.key)} level={level} indent={12} testId="tree-key" />
        ),
      )}
      {node.loading ? (
        <li role="none" className="tree-note muted" style={{ paddingLeft: level * 12 }}>
          Loading…
        </li>
      ) : null}
      {node.error ? (
        <li role="none" className="tree-note">
          <ErrorNotice error={node.error} context={{ op: 'list' }} testId="tree-error" />
        </li>
      ) : null}
      {!node.loading && !node.error && node.children.length === 0 ? (
        <li role="none" className="tree-note muted" style={{ paddingLeft: level * 12 }}>
          Empty
        </li>
      ) : null}
      {node.more && !node.loading ? (
        <li role="none" style={{ paddingLeft: level * 12 }}>
          <button type="button" className="link" onClick={() => void loadMore(prefix)}>
            Show more
          </button>
        </li>
      ) : null}
    </>
  );
}

function FolderItem({ prefix, name, level }: { prefix: Bytes; name: string; level: number }) {
  const expanded = useAppStore((s) => s.treeExpanded.has(keyId(prefix)));
  const shown = useAppStore((s) => prefix.encoding === 'utf8' && s.prefix === prefix.data);
  const toggleFolder = useAppStore((s) => s.toggleFolder);
  const expandFolder = useAppStore((s) => s.expandFolder);
  const setPrefix = useAppStore((s) => s.setPrefix);
  const count = useAppStore((s) => s.treeCounts.get(keyId(prefix)));
  const countFolder = useAppStore((s) => s.countFolder);
  const full = keyLabel(prefix, 500);
  return (
    <li role="treeitem" aria-level={level} aria-expanded={expanded} aria-selected={shown} aria-label={name} data-testid="tree-folder">
      <div className={`tree-row${shown ? ' selected' : ''}`} style={{ paddingLeft: level * 12 }}>
        <button type="button" className="tree-twisty" onClick={() => void toggleFolder(prefix)} aria-label={`${expanded ? 'Collapse' : 'Expand'} ${name}`} tabIndex={-1}>
          {expanded ? '▾' : '▸'}
        </button>
        <button
          type="button"
          className="tree-label"
          title={prefix.encoding === 'utf8' ? `${full} — show in the grid` : `${full} (binary: browse it here)`}
          onClick={() => {
            // The grid's prefix is text: a binary folder opens in the tree only.
            if (prefix.encoding === 'utf8') void setPrefix(prefix.data);
            void expandFolder(prefix);
          }}
        >
          {name}
        </button>
        {count?.state === 'done' ? (
          <span className="tree-count muted" data-testid="tree-count" title={`${formatCount(count.count)} keys under ${full} at revision ${count.revision}`}>
            {formatCount(count.count)}
          </span>
        ) : count?.state === 'loading' ? (
          <span className="tree-count muted">…</span>
        ) : (
          <button
            type="button"
            className="tree-count-button"
            onClick={() => void countFolder(prefix)}
            aria-label={`Count keys in ${name}`}
            title={count?.state === 'failed' ? `Could not count: ${count.error.message} Click to try again.` : 'Count the keys under this folder'}
            tabIndex={-1}
          >
            {count?.state === 'failed' ? '!' : '#'}
          </button>
        )}
      </div>
      {expanded ? (
        <ul role="group">
          <Children prefix={prefix} level={level + 1} />
        </ul>
      ) : null}
    </li>
  );
}

