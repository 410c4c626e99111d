import { useMemo } from 'react';
import type { Bytes } from '../../../../shared/bytes';
import { toUint8 } from '../../../../shared/bytes';
import { formatSize } from '../../ui/format';

/** Past this, the dump shows the beginning only (the base64 below always has everything). */
export const HEX_DUMP_LIMIT = 64 * 1024;

/** Classic offset / hex / ASCII dump, 16 bytes a line. */
export function hexDump(bytes: Uint8Array, limit = HEX_DUMP_LIMIT): string {
  const n = Math.min(bytes.length, limit);
  const lines: string[] = [];
  for (let off = 0; off < n; off += 16) {
    const chunk = bytes.subarray(off, Math.min(off + 16, n));
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (i < chunk.length) {
        hex += chunk[i].toString(16).padStart(2, '0') + ' ';
        ascii += chunk[i] >= 0x20 && chunk[i] < 0x7f ? String.fromCharCode(chunk[i]) : '.';
      } else hex += '   ';
      if (i === 7) hex += ' ';
    }
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  return lines.join('\n');
}

/** A non-UTF-8 value, read-only: hex dump plus the exact base64. */
export function HexView({ value }: { value: Bytes }) {
  const bytes = useMemo(() => toUint8(value), [value]);
  const dump = useMemo(() => hexDump(bytes), [bytes]);
  const b64 = value.encoding === 'base64' ? value.data : '';
  return (
    <div className="hex-view" data-testid="hex-view">
      <div className="section-label">
        Hex <span className="muted">— {formatSize(bytes.length)}{bytes.length > HEX_DUMP_LIMIT ? `, first ${formatSize(HEX_DUMP_LIMIT)} shown` : ''}</span>
      </div>
      <pre className="hex-dump" data-testid="hex-dump">
        {dump}
      </pre>
      <div className="section-label">Base64</div>
      <textarea className="base64-text" readOnly value={b64} aria-label="Value as base64" data-testid="base64-readonly" spellCheck={false} />
    </div>
  );
}
