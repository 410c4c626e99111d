import type { Bytes } from '../../../shared/bytes';
import { displayBytes } from '../../../shared/bytes';

/** Bytes as text, or as hex with a "bin" badge when they are not UTF-8. */
export function BytesText({ value, max = 200, className }: { value: Bytes; max?: number; className?: string }) {
  const shown = displayBytes(value, max);
  return (
    <span className={className} title={value.encoding === 'base64' ? `binary (not UTF-8), shown as hex: ${shown}` : undefined}>
      {value.encoding === 'base64' ? (
        <span className="bin-badge" aria-label="binary">
          bin
        </span>
      ) : null}
      {shown}
    </span>
  );
}
