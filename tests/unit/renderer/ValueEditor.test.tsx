// @vitest-environment happy-dom
import { EditorView } from '@codemirror/view';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValueEditor } from '../../../src/renderer/src/features/editor/ValueEditor';
import { createAppStore } from '../../../src/renderer/src/app/create-app-store';
import { StoreProvider } from '../../../src/renderer/src/app/store-context';
import { createFakeApi } from './fake-api';

afterEach(cleanup);

function mount(value: string, crlf: boolean) {
  const onChange = vi.fn();
  const { container } = render(
    <StoreProvider store={createAppStore(createFakeApi().api)}>
      <ValueEditor value={value} mode="plain" onChange={onChange} crlf={crlf} />
    </StoreProvider>,
  );
  const view = EditorView.findFromDOM(container.querySelector('.cm-editor') as HTMLElement)!;
  return { view, onChange };
}

describe('ValueEditor', () => {
  it('edits a CRLF value without turning its line endings into LF', () => {
    const { view, onChange } = mount('line1\r\nline2\r\n', true);
    expect(view.state.doc.lines).toBe(3);
    act(() => view.dispatch({ changes: { from: view.state.doc.length, insert: 'line3\nline4' } }));
    expect(onChange).toHaveBeenLastCalledWith('line1\r\nline2\r\nline3\r\nline4');
  });

  it('leaves LF values as they are', () => {
    const { view, onChange } = mount('a\nb', false);
    act(() => view.dispatch({ changes: { from: 0, insert: 'x' } }));
    expect(onChange).toHaveBeenLastCalledWith('xa\nb');
  });
});
