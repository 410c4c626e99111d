import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { EditorView } from '@codemirror/view';
import CodeMirror from '@uiw/react-codemirror';
import { useMemo } from 'react';
import { useColorScheme } from '../../app/use-color-scheme';
import type { EditorMode } from './value-mode';

interface ValueEditorProps {
  readonly value: string;
  readonly mode: EditorMode;
  readonly onChange?: (value: string) => void;
  readonly readOnly?: boolean;
  readonly ariaLabel?: string;
  /**
   * Line endings of the value. CodeMirror keeps lines, not separators (its doc text always joins
   * with "\n"), so the editor is fed "\n" text and edits are converted back: a CRLF value stays CRLF.
   */
  readonly crlf?: boolean;
  readonly testId?: string;
}

const toLf = (s: string) => (s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s);

/** CodeMirror 6 for text values, highlighted per mode. */
export function ValueEditor({ value, mode, onChange, readOnly, ariaLabel = 'Value', crlf = false, testId = 'value-editor' }: ValueEditorProps) {
  const scheme = useColorScheme();
  const extensions = useMemo(() => {
    const ext = [EditorView.lineWrapping, EditorView.contentAttributes.of({ 'aria-label': ariaLabel })];
    if (mode === 'json') ext.push(json());
    if (mode === 'yaml') ext.push(yaml());
    return ext;
  }, [mode, ariaLabel]);
  const shown = useMemo(() => toLf(value), [value]);
  const emit = useMemo(
    () => (onChange ? (v: string) => onChange(crlf ? v.replace(/\n/g, '\r\n') : v) : undefined),
    [onChange, crlf],
  );
  return (
    <div className="value-editor" data-testid={testId}>
      <CodeMirror
        value={shown}
        onChange={emit}
        extensions={extensions}
        readOnly={readOnly}
        editable={!readOnly}
        theme={scheme}
        height="100%"
        basicSetup={{ foldGutter: true, highlightActiveLine: !readOnly, autocompletion: false }}
      />
    </div>
  );
}
