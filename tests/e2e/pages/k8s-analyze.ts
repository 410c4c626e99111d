import type { Locator, Page } from '@playwright/test';

/** The Kubernetes analysis view: its intro, Analyze / Cancel, progress and the report's tables. */
export class K8sAnalyzeView {
  readonly root: Locator;
  readonly intro: Locator;
  readonly analyze: Locator;
  readonly cancel: Locator;
  readonly progress: Locator;
  readonly partial: Locator;
  readonly summary: Locator;
  readonly resources: Locator;
  readonly namespaces: Locator;
  readonly largest: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('k8s-analyze-view');
    this.intro = page.getByTestId('k8s-analyze-intro');
    this.analyze = this.root.getByRole('button', { name: /^Analyze( again)?$/ });
    this.cancel = this.root.getByRole('button', { name: 'Cancel', exact: true });
    this.progress = page.getByTestId('k8s-analyze-progress');
    this.partial = page.getByTestId('k8s-analyze-partial');
    this.summary = page.getByTestId('k8s-analyze-summary');
    this.resources = this.root.getByRole('table', { name: 'Resource types' });
    this.namespaces = this.root.getByRole('table', { name: 'Namespaces per resource type' });
    this.largest = this.root.getByRole('table', { name: 'Largest objects' });
  }

  /** The toolbar button that opens (or closes) the view. */
  toolbarButton(): Locator {
    return this.page.getByRole('button', { name: 'Analyze K8s' });
  }

  /** The cells of a table's body rows, as text, row by row. */
  async rows(table: Locator): Promise<string[][]> {
    const rows = table.locator('tbody tr');
    const out: string[][] = [];
    for (let i = 0; i < (await rows.count()); i++) out.push((await rows.nth(i).getByRole('cell').allTextContents()).map((t) => t.trim()));
    return out;
  }

  /** The button that opens a largest object's key. */
  largestKey(key: string): Locator {
    return this.largest.getByRole('button', { name: `Open ${key}`, exact: true });
  }

  /** Sort the namespaces table by this column ("Objects" or "Bytes"). */
  sortNamespacesBy(column: 'Objects' | 'Bytes'): Promise<void> {
    return this.namespaces.getByRole('button', { name: column, exact: true }).click();
  }
}
