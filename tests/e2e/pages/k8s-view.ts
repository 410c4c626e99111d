import type { Locator, Page } from '@playwright/test';

/** The value panel's Kubernetes view: header, YAML/JSON, reveal, problems, and Edit as YAML. */
export class K8sViewPage {
  readonly root: Locator;
  readonly kind: Locator;
  readonly header: Locator;
  readonly resourceVersion: Locator;
  readonly schema: Locator;
  /** The read-only object (CodeMirror). */
  readonly object: Locator;
  readonly encrypted: Locator;
  /** "Cannot decode: … at byte N" (or a failed decode). */
  readonly problem: Locator;
  readonly maskedNote: Locator;
  readonly hexDump: Locator;
  readonly editor: Locator;
  readonly editWarning: Locator;
  readonly encodeError: Locator;
  readonly diff: Locator;
  readonly unchanged: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('k8s-view');
    this.kind = page.getByTestId('k8s-kind');
    this.header = page.getByTestId('k8s-header');
    this.resourceVersion = page.getByTestId('k8s-resource-version');
    this.schema = page.getByTestId('k8s-schema');
    this.object = page.getByTestId('k8s-object');
    this.encrypted = page.getByTestId('k8s-encrypted');
    this.problem = page.getByTestId('k8s-problem');
    this.maskedNote = page.getByTestId('k8s-masked-note');
    this.hexDump = this.root.getByTestId('hex-dump');
    this.editor = page.getByTestId('k8s-yaml-editor');
    this.editWarning = page.getByTestId('k8s-edit-warning');
    this.encodeError = page.getByTestId('k8s-encode-error');
    this.diff = page.getByTestId('k8s-diff');
    this.unchanged = page.getByTestId('k8s-unchanged');
  }

  button(name: string | RegExp): Locator {
    return this.page.getByTestId('value-panel').getByRole('button', { name, exact: typeof name === 'string' });
  }

  /** The rendered lines of the read-only object (CodeMirror renders the lines in view). */
  async visibleText(): Promise<string> {
    return (await this.object.locator('.cm-line').allInnerTexts()).join('\n');
  }

  /** The whole object as shown (masked or not), through the view's Copy button and the clipboard. */
  async copiedText(): Promise<string> {
    await this.page.evaluate(() => navigator.clipboard.writeText(''));
    await this.button('Copy').click();
    let text = '';
    for (let i = 0; i < 50 && text === ''; i++) text = await this.page.evaluate(() => navigator.clipboard.readText());
    return text;
  }

  /** The editable YAML's text (all of it: read from the clipboard after select-all and copy). */
  async editorText(): Promise<string> {
    await this.editor.locator('.cm-content').click();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('ControlOrMeta+C');
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  /** Replace the whole editable YAML with `text` (pasted, so the editor does not auto-indent it). */
  async replaceEditorText(text: string): Promise<void> {
    await this.page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await this.editor.locator('.cm-content').click();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('ControlOrMeta+V');
  }
}
