/**
 * Finds a key the file names twice (etcd refuses a txn that names a key twice, and the second
 * write would undo the first). Files from an export or from etcdctl are in etcd's key order, so
 * comparing each key with the one before is enough and costs no memory; a file out of order needs
 * every key seen so far, so the check says so (`NotSorted`) and the caller starts over with
 * `remember` on (memory: about the keys' bytes).
 */
import { MalformedLine } from './format';

export class NotSorted extends Error {}

export class DuplicateCheck {
  private prev?: { key: Buffer; line: number };
  private readonly seen?: Map<string, number>;

  constructor(remember: boolean) {
    if (remember) this.seen = new Map();
  }

  /** Throws MalformedLine for a repeated key, NotSorted for the first key out of order (when not remembering). */
  check(key: Buffer, line: number): void {
    if (this.seen) {
      const name = key.toString('latin1');
      const before = this.seen.get(name);
      if (before !== undefined) throw new MalformedLine(line, `names the same key as line ${before}`);
      this.seen.set(name, line);
      return;
    }
    const prev = this.prev;
    if (prev) {
      const c = Buffer.compare(key, prev.key);
      if (c === 0) throw new MalformedLine(line, `names the same key as line ${prev.line}`);
      if (c < 0) throw new NotSorted();
    }
    this.prev = { key, line };
  }
}
