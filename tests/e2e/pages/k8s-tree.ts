import type { Locator, Page } from '@playwright/test';

/** The folder tree's Kubernetes layout (resource type → namespace → name) and the grid's Kubernetes columns. */
export class K8sTreePanel {
  readonly treeToggle: Locator;
  /** "Kubernetes": switches the tree's layout (pressed when on). */
  readonly layoutToggle: Locator;
  readonly tree: Locator;
  readonly gridHeader: Locator;

  constructor(private readonly page: Page) {
    this.treeToggle = page.getByTestId('tree-toggle');
    this.layoutToggle = page.getByRole('button', { name: 'Kubernetes layout', exact: true });
    this.tree = page.getByRole('tree', { name: 'Kubernetes resources' });
    this.gridHeader = page.locator('.grid-header');
  }

  /** A resource type at the top level ("pods", "nodes", "widgets.example.com"). */
  type(resource: string): Locator {
    return this.tree.getByRole('treeitem', { name: resource, exact: true }).and(this.page.getByTestId('k8s-type'));
  }

  /** A namespace under a type. */
  namespace(resource: string, namespace: string): Locator {
    return this.type(resource).getByRole('treeitem', { name: namespace, exact: true }).and(this.page.getByTestId('k8s-namespace'));
  }

  /** An object's name under a type or namespace. */
  object(parent: Locator, name: string): Locator {
    return parent.getByRole('treeitem', { name, exact: true }).and(this.page.getByTestId('k8s-key'));
  }

  /** The item's count, "(N)". */
  count(item: Locator): Locator {
    return item.getByTestId('k8s-count').first();
  }

  /** The item's storage note ("stored as minions"). */
  note(item: Locator): Locator {
    return item.getByTestId('k8s-note').first();
  }

  expand(item: Locator, name: string): Locator {
    return item.getByRole('button', { name: `Expand ${name}`, exact: true }).first();
  }

  /** The item's label: a type or namespace shows its keys in the grid, a name opens its key. */
  label(item: Locator, name: string): Locator {
    return item.getByRole('button', { name, exact: true }).first();
  }

  /** The tree's "Other keys" group (keys under /registry/ that are no resource). */
  other(name: string): Locator {
    return this.tree.getByRole('treeitem', { name: 'Other keys', exact: true }).getByRole('treeitem', { name, exact: true });
  }

  columnHeader(label: string): Locator {
    return this.gridHeader.getByRole('columnheader', { name: label, exact: true });
  }
}
