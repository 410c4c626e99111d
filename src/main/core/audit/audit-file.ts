/**
 * The audit files: one JSON Lines file per profile (`<dir>/<profile>.jsonl`), rotated by size
 * (`<profile>.1.jsonl` is the newest old file, `<profile>.<keep>.jsonl` the oldest kept).
 * Appends are queued per profile and never throw to the caller: a failure goes to the log,
 * by code, and the write it describes is not held up by it.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntry } from '../../../shared/contract/audit';
import type { Logger } from '../logging/logger';

export interface RotationOptions {
  /** A file grows to at most this many bytes before it is rotated. */
  readonly maxBytes: number;
  /** How many rotated files are kept besides the current one. */
  readonly keep: number;
}

export const DEFAULT_ROTATION: RotationOptions = { maxBytes: 5 * 1024 * 1024, keep: 3 };

/** A file name for a profile id: the id itself when it is plainly safe, else its hash. */
export const fileBase = (profileId: string): string =>
  /^[A-Za-z0-9_-]{1,100}$/.test(profileId) ? profileId : `p-${createHash('sha256').update(profileId).digest('hex').slice(0, 32)}`;

export class AuditFiles {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly sizes = new Map<string, number>();

  constructor(
    readonly dir: string,
    private readonly log: Logger,
    private readonly rotation: RotationOptions = DEFAULT_ROTATION,
  ) {}

  /** The current file of a profile and its rotated ones, newest first. */
  files(profileId: string): string[] {
    const base = fileBase(profileId);
    return [join(this.dir, `${base}.jsonl`), ...Array.from({ length: this.rotation.keep }, (_, i) => join(this.dir, `${base}.${i + 1}.jsonl`))];
  }

  /** Queues one entry (made by `make`, run in turn; null = nothing to write) for the profile's file; never rejects. */
  append(profileId: string, make: () => Promise<AuditEntry | null> | AuditEntry | null): void {
    const prev = this.queues.get(profileId) ?? Promise.resolve();
    const next = prev.then(async () => {
      try {
        const entry = await make();
        if (entry) await this.write(profileId, `${JSON.stringify(entry)}\n`);
      } catch (err) {
        this.log.warn('audit entry not written', { profileId, code: (err as NodeJS.ErrnoException).code ?? 'INTERNAL' });
      }
    });
    this.queues.set(profileId, next);
    void next.then(() => {
      if (this.queues.get(profileId) === next) this.queues.delete(profileId);
    });
  }

  /** Resolves once every entry queued so far for the profile is written (or failed). */
  flush(profileId: string): Promise<void> {
    return this.queues.get(profileId) ?? Promise.resolve();
  }

  flushAll(): Promise<void> {
    return Promise.all([...this.queues.values()]).then(() => undefined);
  }

  /** Every entry of a profile, oldest first (malformed lines are skipped). */
  async read(profileId: string): Promise<AuditEntry[]> {
    await this.flush(profileId);
    const out: AuditEntry[] = [];
    for (const file of this.files(profileId).reverse()) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      for (const line of text.split('\n')) {
        if (!line) continue;
        try {
          const e = JSON.parse(line) as AuditEntry;
          if (e && typeof e === 'object' && typeof e.id === 'string' && typeof e.operation === 'string') out.push(e);
        } catch {
          // A torn last line (the app died mid-append): skip it.
        }
      }
    }
    return out;
  }

  private async write(profileId: string, line: string): Promise<void> {
    const [current] = this.files(profileId);
    let size = this.sizes.get(profileId);
    if (size === undefined) {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      size = await stat(current).then(
        (s) => s.size,
        () => 0,
      );
    }
    const bytes = Buffer.byteLength(line);
    if (size > 0 && size + bytes > this.rotation.maxBytes) {
      await this.rotate(profileId);
      size = 0;
    }
    await appendFile(current, line, { encoding: 'utf8', mode: 0o600 });
    this.sizes.set(profileId, size + bytes);
  }

  private async rotate(profileId: string): Promise<void> {
    const files = this.files(profileId);
    await rm(files[files.length - 1], { force: true });
    for (let i = files.length - 2; i >= 0; i--) {
      await rename(files[i], files[i + 1]).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
  }
}
