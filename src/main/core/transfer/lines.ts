/**
 * Lines of a file as they stream in: never more than one line (plus one read chunk) in memory,
 * each line checked to be UTF-8 and numbered from 1, so a malformed line can be named.
 */
import { MalformedLine } from './format';

/** A line longer than this is refused (a 1.5 MiB value is about 2 MiB as base64 in JSON). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface Line {
  /** 1-based. */
  readonly line: number;
  readonly text: string;
  /** Bytes of the line in the file, its end of line included. */
  readonly bytes: number;
}

const NL = 0x0a;
const CR = 0x0d;
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decode(buf: Buffer, line: number): string {
  let end = buf.length;
  if (end > 0 && buf[end - 1] === CR) end--;
  try {
    // ignoreBOM false: a BOM at the start of the file is dropped (editors on Windows add one).
    return strict.decode(buf.subarray(0, end));
  } catch {
    throw new MalformedLine(line, 'is not UTF-8 text');
  }
}

/**
 * Splits a stream of chunks into lines ("\n" or "\r\n"); the last line may lack its newline.
 * Throws MalformedLine for a line that is not UTF-8 or is longer than `maxLineBytes`.
 */
export async function* readLines(chunks: AsyncIterable<Buffer>, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<Line> {
  let line = 1;
  // The start of the current line, as parts: a long line spans many chunks.
  let parts: Buffer[] = [];
  let partBytes = 0;
  for await (const chunk of chunks) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(NL, from);
      if (nl < 0) {
        if (from < chunk.length) {
          parts.push(chunk.subarray(from));
          partBytes += chunk.length - from;
          if (partBytes > maxLineBytes) throw new MalformedLine(line, `is longer than ${maxLineBytes} bytes`);
        }
        break;
      }
      const piece = chunk.subarray(from, nl);
      const whole = parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
      if (whole.length > maxLineBytes) throw new MalformedLine(line, `is longer than ${maxLineBytes} bytes`);
      yield { line, text: decode(whole, line), bytes: whole.length + 1 };
      line++;
      parts = [];
      partBytes = 0;
      from = nl + 1;
    }
  }
  if (partBytes > 0) {
    const whole = Buffer.concat(parts);
    yield { line, text: decode(whole, line), bytes: whole.length };
  }
}
