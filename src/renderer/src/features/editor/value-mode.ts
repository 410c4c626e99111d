/** How a text value is highlighted (and validated before saving). */
export type EditorMode = 'plain' | 'json' | 'yaml';

/** JSON when it parses as an object or array; YAML when it looks like a mapping, a list or a document. */
export function detectMode(value: string): EditorMode {
  const t = value.trim();
  if (!t) return 'plain';
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      JSON.parse(t);
      return 'json';
    } catch {
      // fall through: may still be YAML flow style, or just text
    }
  }
  if (looksLikeYaml(t)) return 'yaml';
  return 'plain';
}

const YAML_KEY = /^[ \t]*(?:- +)?(?:"[^"]*"|'[^']*'|[A-Za-z0-9_.\-/]+)[ \t]*:(?:[ \t]|$)/;
const YAML_ITEM = /^[ \t]*- +\S/;

function looksLikeYaml(t: string): boolean {
  const lines = t.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (lines.length === 0) return false;
  if (t.startsWith('---') || t.startsWith('%YAML')) return true;
  const structured = lines.filter((l) => YAML_KEY.test(l) || YAML_ITEM.test(l)).length;
  // A single "a: b" line is too weak a signal (URLs, log lines); require structure on most lines.
  return lines.length >= 2 && structured >= Math.ceil(lines.length * 0.6);
}

export type LineEndings = 'lf' | 'crlf' | 'mixed';

/**
 * The text editor joins lines with one separator, so a value is edited losslessly only when
 * its line endings are uniform: all "\n" (lf) or all "\r\n" (crlf). Anything else is "mixed".
 */
export function lineEndings(value: string): LineEndings {
  if (!value.includes('\r')) return 'lf';
  const crlf = value.split('\r\n').length - 1;
  const cr = value.split('\r').length - 1;
  const lf = value.split('\n').length - 1;
  return crlf === cr && crlf === lf ? 'crlf' : 'mixed';
}
