import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { EditorView } from '@codemirror/view';
import CodeMirror from '@uiw/react-codemirror';
import { useMemo } from 'react';
import { useColorScheme } from '../hooks/useColorScheme';
import type { EditorMode } from '../lib/value-mode';

interface ValueEditorProps {
  readonly value: string;
  readonly mode: EditorMode;
  readonly onChange?: (value: string) => void;
  readonly readOnly?: boolean;
  readonly ariaLabel?: string;
}

/** CodeMirror 6 for text values, highlighted per mode. */
export function ValueEditor({ value, mode, onChange, readOnly, ariaLabel = 'Value' }: ValueEditorProps) {
  const scheme = useColorScheme();
  const extensions = useMemo(() => {
    const ext = [EditorView.lineWrapping, EditorView.contentAttributes.of({ 'aria-label': ariaLabel })];
    if (mode === 'json') ext.push(json());
    if (mode === 'yaml') ext.push(yaml());
    return ext;
  }, [mode, ariaLabel]);
  return (
    <div className="value-editor" data-testid="value-editor">
      <CodeMirror
        value={value}
        onChange={onChange}
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
