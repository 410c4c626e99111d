/** The last lines a member wrote, kept so a failure can show why etcd gave up. */

const LOG_LINES = 200;
// A runaway line without a newline must not grow without bound.
const MAX_PARTIAL_LINE = 16384;

export class LogBuffer {
  private lines: string[] = [];
  private partialLine = '';

  push(chunk: Buffer): void {
    const text = this.partialLine + chunk.toString('utf8');
    const lines = text.split('\n');
    this.partialLine = lines.pop() ?? '';
    if (this.partialLine.length > MAX_PARTIAL_LINE) {
      lines.push(this.partialLine);
      this.partialLine = '';
    }
    for (const l of lines) this.lines.push(l);
    if (this.lines.length > LOG_LINES) this.lines.splice(0, this.lines.length - LOG_LINES);
  }

  /** Every kept line, including an unterminated last one. */
  all(): string[] {
    return this.partialLine ? [...this.lines, this.partialLine] : [...this.lines];
  }

  tail(n = 40): string {
    return this.all().slice(-n).join('\n');
  }
}
