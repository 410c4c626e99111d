/** Keys in the words a write's confirmation uses (channels' `describe`). */

/** A key as typed text, or a marked base64 start for a key that is not UTF-8. */
export const keyText = (key: unknown): string => {
  const k = key as { encoding?: string; data?: string } | undefined;
  if (!k || typeof k.data !== 'string') return '';
  return k.encoding === 'utf8' ? k.data : `(binary key, base64 ${k.data.slice(0, 40)})`;
};

/** The key in quotes, as a sentence names it. */
export const keyInWords = (key: unknown): string => `“${keyText(key)}”`;
