import type { Locator, Page } from '@playwright/test';

/** The selected key: metadata, editor or hex view, save, not-found and conflict states. */
export class ValuePanel {
  readonly root: Locator;
  readonly keyText: Locator;
  readonly meta: Locator;
  readonly editor: Locator;
  /** CodeMirror's editable content. */
  readonly content: Locator;
  readonly hexView: Locator;
  readonly hexDump: Locator;
  readonly base64: Locator;
  readonly saveButton: Locator;
  readonly notFound: Locator;
  readonly error: Locator;
  readonly conflict: Locator;
  /** My draft, in the deleted-meanwhile view. */
  readonly conflictDraft: Locator;
  readonly modeSelect: Locator;
  /** "Changed / Deleted by someone else at revision N" (the open key's watch). */
  readonly remoteChange: Locator;
  /** Their value against the loaded one, beside the notice. */
  readonly remoteDiff: Locator;
  /** The Mod rev shown: the revision that is really current. */
  readonly currentRevision: Locator;
  /** The conflict view's merged result (an editable CodeMirror). */
  readonly merged: Locator;
  readonly mergedContent: Locator;
  /** "— 1 conflict left …" / "— merged cleanly …" above the merged result. */
  readonly conflictCount: Locator;
  /** Why saving the merge was refused (markers left). */
  readonly conflictRefused: Locator;
  readonly conflictError: Locator;
  /** In the conflict view: the key changed again since the view opened (the watch saw it). */
  readonly conflictNewer: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('value-panel');
    this.keyText = this.root.locator('.value-key-text');
    this.meta = page.getByTestId('value-meta');
    this.editor = page.getByTestId('value-editor');
    this.content = this.editor.locator('.cm-content');
    this.hexView = page.getByTestId('hex-view');
    this.hexDump = page.getByTestId('hex-dump');
    this.base64 = page.getByTestId('base64-readonly');
    this.saveButton = page.getByTestId('save-value');
    this.notFound = this.root.getByRole('status').filter({ hasText: 'no longer exists' });
    this.error = this.root.getByRole('alert');
    this.conflict = page.getByTestId('conflict-view');
    this.conflictDraft = page.getByTestId('conflict-draft');
    this.modeSelect = page.getByTestId('mode-select');
    this.remoteChange = page.getByTestId('remote-change');
    this.remoteDiff = page.getByTestId('remote-diff');
    this.currentRevision = page.getByTestId('current-revision');
    this.merged = page.getByTestId('merged-editor');
    this.mergedContent = this.merged.locator('.cm-content');
    this.conflictCount = page.getByTestId('conflict-count');
    this.conflictRefused = page.getByTestId('conflict-refused');
    this.conflictError = page.getByTestId('conflict-error');
    this.conflictNewer = page.getByTestId('conflict-newer');
  }

  /** One metadata value by its label ("Version", "Mod rev", "Encoding", ...). */
  metaValue(label: string): Locator {
    return this.meta.locator('div').filter({ has: this.page.locator('dt').getByText(label, { exact: true }) }).locator('dd');
  }

  /** The editor text (CodeMirror lines joined with \n). */
  async text(): Promise<string> {
    return (await this.content.locator('.cm-line').allInnerTexts()).join('\n');
  }

  /** Put the caret at the very end of the value and type `text`. */
  async typeAtEnd(text: string): Promise<void> {
    await this.content.click();
    await this.page.keyboard.press('ControlOrMeta+End');
    await this.page.keyboard.type(text);
  }

  /** Replace the whole value with `text` (select all, type). */
  async replaceWith(text: string): Promise<void> {
    await this.content.click();
    await this.page.keyboard.press('ControlOrMeta+a');
    await this.page.keyboard.insertText(text);
  }

  /** The app's Mod+S shortcut (Ctrl on Linux/Windows, Cmd on macOS). */
  async saveWithShortcut(): Promise<void> {
    await this.page.keyboard.press('ControlOrMeta+s');
  }

  conflictButton(
    name:
      | 'Save merged result'
      | 'Keep editing'
      | 'Discard my draft and load current'
      | 'Recreate with my draft'
      | 'Discard my draft'
      | 'Keep mine'
      | 'Take theirs',
  ): Locator {
    return this.conflict.getByRole('button', { name, exact: true });
  }

  /** One side of a read-only diff (`a`: the older, left; `b`: the newer, right), its lines joined with \n. */
  async diffSide(diff: Locator, side: 'a' | 'b'): Promise<string> {
    return (await diff.locator(`.cm-merge-${side} .cm-line`).allInnerTexts()).join('\n');
  }

  /** A difference tab of the conflict view. */
  conflictTab(name: 'Their changes' | 'Your changes'): Locator {
    return this.conflict.getByRole('tab', { name });
  }

  /** The conflict view's diff currently shown ("theirs" or "mine" against the base). */
  conflictDiff(which: 'theirs' | 'mine'): Locator {
    return this.page.getByTestId(`conflict-diff-${which}`);
  }

  /** The merged result's text (CodeMirror lines joined with \n). */
  async mergedText(): Promise<string> {
    return (await this.mergedContent.locator('.cm-line').allInnerTexts()).join('\n');
  }

  /** Replace the whole merged result with `text`. */
  async replaceMerged(text: string): Promise<void> {
    await this.mergedContent.click();
    await this.page.keyboard.press('ControlOrMeta+a');
    await this.page.keyboard.insertText(text);
  }

  /** Put the caret at the start of line `n` (1-based) of the value editor. */
  async gotoLine(n: number): Promise<void> {
    await this.content.locator('.cm-line').nth(n - 1).click();
    await this.page.keyboard.press('Home');
  }
}
