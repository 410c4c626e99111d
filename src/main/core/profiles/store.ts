import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { limits, type ProfileInput } from '../../../shared/contract';

const { DEADLINE_MS } = limits;
import type { Profile, ProfileMode, ProfilesState } from '../../../shared/types';
import { PROFILE_MODES } from '../../../shared/modes';
import { failure } from '../etcd/errors';
import { CURRENT_VERSION, parseFile, serializeFile, UnreadableFile, type ParsedFile, type StoredProfile } from './file-format';
import type { SecretCipher } from './secrets';

export const PROFILES_FILE = 'profiles.json';
export const DEFAULT_DEADLINE_MS = DEADLINE_MS.default;
export type { StoredProfile } from './file-format';

/** A profile with its secret decrypted: only ever used inside main to open a session. */
export interface ResolvedProfile extends Pick<StoredProfile, 'id' | 'name' | 'endpoints' | 'username' | 'tls' | 'deadlineMs' | 'color'> {
  readonly password?: string;
}

export const defaultProfiles = (): StoredProfile[] => [
  { id: 'local', name: 'Local', endpoints: ['http://127.0.0.1:2379'], deadlineMs: DEFAULT_DEADLINE_MS, color: '#3b82f6' },
];

/**
 * Profiles in one JSON file. Writes are atomic (temp file, fsync, rename) so a crash never
 * leaves half a file, and temp files of a save that was killed are removed at the next start.
 * A file that cannot be read is moved aside, reported, and replaced by defaults so the app
 * still starts; one from a newer version is used read-only and never moved or overwritten;
 * invalid profiles and unknown fields are kept in the file as they were.
 */
export class ProfileStore {
  private profiles: StoredProfile[] | undefined;
  private loading: Promise<StoredProfile[]> | undefined;
  /** What was read but is not used, written back as it was. */
  private kept: Pick<ParsedFile, 'invalid' | 'extras'> = { invalid: [], extras: {} };
  /** The file came from a newer version: never write it. */
  private newerFile: number | undefined;
  private readonly notices: string[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly cipher: SecretCipher,
  ) {}

  get file(): string {
    return join(this.dir, PROFILES_FILE);
  }

  async state(): Promise<ProfilesState> {
    const profiles = await this.load();
    return {
      profiles: profiles.map(toPublic),
      secretStorage: this.cipher.isEncryptionAvailable() ? 'encrypted' : 'unavailable',
      notices: [...this.notices],
    };
  }

  async list(): Promise<Profile[]> {
    return (await this.load()).map(toPublic);
  }

  /** A profile's name and mode (`normal` when the file has none); undefined when there is no such profile. */
  async modeOf(id: string): Promise<{ readonly name: string; readonly mode: ProfileMode } | undefined> {
    const p = (await this.load()).find((x) => x.id === id);
    return p && { name: p.name, mode: modeOfStored(p) };
  }

  async resolve(id: string): Promise<ResolvedProfile> {
    const p = (await this.load()).find((x) => x.id === id);
    if (!p) throw failure('NOT_FOUND', `No profile with id ${id}.`, { field: 'profileId' });
    return this.decrypt(p);
  }

  /** A profile from the editor, merged with the stored secret when the editor left it unchanged. */
  async resolveInput(input: ProfileInput): Promise<ResolvedProfile> {
    const existing = input.id ? (await this.load()).find((x) => x.id === input.id) : undefined;
    if (existing && input.password === undefined) assertSameTarget(existing, input);
    const password =
      input.password === undefined ? (existing ? this.decrypt(existing).password : undefined) : (input.password ?? undefined);
    return {
      id: input.id ?? 'unsaved',
      name: input.name,
      endpoints: [...input.endpoints],
      username: input.username || undefined,
      password,
      tls: input.tls,
      deadlineMs: input.deadlineMs ?? DEFAULT_DEADLINE_MS,
      color: input.color,
    };
  }

  async save(input: ProfileInput): Promise<Profile> {
    return this.mutate(async (profiles) => {
      const index = input.id ? profiles.findIndex((p) => p.id === input.id) : -1;
      if (input.id && index < 0) throw failure('NOT_FOUND', `No profile with id ${input.id}.`, { field: 'id' });
      const previous = index >= 0 ? profiles[index] : undefined;
      if (previous && input.password === undefined) assertSameTarget(previous, input);
      const next: StoredProfile = {
        // Fields a newer version stored are kept as they were.
        ...previous,
        id: previous?.id ?? randomUUID(),
        name: input.name.trim(),
        endpoints: input.endpoints.map((e) => e.trim()),
        username: input.username?.trim() || undefined,
        password: input.password === undefined ? previous?.password : this.seal(input.password, input.allowPlaintextPassword),
        tls: keepUnknownTls(previous?.tls, cleanTls(input.tls)),
        deadlineMs: input.deadlineMs ?? previous?.deadlineMs ?? DEFAULT_DEADLINE_MS,
        color: input.color ?? previous?.color,
        // Absent: keep what is stored (a mode of a newer version too).
        mode: input.mode ?? previous?.mode,
      };
      const out = [...profiles];
      if (index >= 0) out[index] = next;
      else out.push(next);
      return { profiles: out, result: toPublic(next) };
    });
  }

  async remove(id: string): Promise<void> {
    await this.mutate(async (profiles) => {
      if (!profiles.some((p) => p.id === id)) throw failure('NOT_FOUND', `No profile with id ${id}.`, { field: 'profileId' });
      return { profiles: profiles.filter((p) => p.id !== id), result: undefined };
    });
  }

  private seal(password: string | null, allowPlaintext?: boolean): StoredProfile['password'] {
    if (password === null || password === '') return undefined;
    if (this.cipher.isEncryptionAvailable()) {
      return { kind: 'encrypted', data: this.cipher.encrypt(password).toString('base64') };
    }
    if (allowPlaintext) return { kind: 'plaintext', data: password };
    throw failure(
      'SECRET_STORAGE_UNAVAILABLE',
      'This system offers no encrypted storage for passwords. Choose "store unencrypted" explicitly, or leave the password empty.',
      { field: 'password' },
    );
  }

  private decrypt(p: StoredProfile): ResolvedProfile {
    const { password } = p;
    const rest: ResolvedProfile = { id: p.id, name: p.name, endpoints: p.endpoints, username: p.username, tls: p.tls, deadlineMs: p.deadlineMs, color: p.color };
    if (!password) return rest;
    if (password.kind === 'plaintext') return { ...rest, password: password.data };
    try {
      return { ...rest, password: this.cipher.decrypt(Buffer.from(password.data, 'base64')) };
    } catch (err) {
      throw failure(
        'SECRET_STORAGE_UNAVAILABLE',
        `The saved password of "${p.name}" cannot be decrypted on this system (${(err as Error).message}). Enter it again.`,
        { field: 'password' },
      );
    }
  }

  /** Loads once, however many callers ask at the same time. */
  private load(): Promise<StoredProfile[]> {
    if (this.profiles) return Promise.resolve(this.profiles);
    this.loading ??= this.readFile().then((profiles) => (this.profiles = profiles));
    return this.loading;
  }

  private async readFile(): Promise<StoredProfile[]> {
    await this.removeStaleTempFiles();
    let raw: string;
    try {
      raw = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return defaultProfiles();
      return this.setAside(`could not be read (${(err as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      return this.setAside(`is not valid JSON (${(err as Error).message})`);
    }
    const version = (json as { version?: unknown } | null)?.version;
    const newer = typeof version === 'number' && version > CURRENT_VERSION ? version : undefined;
    let parsed: ParsedFile;
    try {
      parsed = parseFile(json);
    } catch (err) {
      if (!(err instanceof UnreadableFile)) throw err;
      if (newer === undefined) return this.setAside(`has an unexpected shape (it ${err.message})`);
      parsed = { profiles: [], invalid: [], extras: {}, newer: true, version: newer, problems: [] };
    }
    if (newer !== undefined) {
      this.newerFile = newer;
      this.notices.push(
        `Your profiles were saved by a newer version of etcd desktop (file version ${newer}; this version writes ${CURRENT_VERSION}). They are shown read-only: changes cannot be saved here, and the file is left untouched. Update the app to edit them.`,
      );
    }
    this.notices.push(...parsed.problems);
    this.kept = { invalid: parsed.invalid, extras: parsed.extras };
    return parsed.profiles;
  }

  /** `profiles.json.<pid>.<uuid>.tmp` files are only ever left by a save that was killed. */
  private async removeStaleTempFiles(): Promise<void> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const stale = names.filter((n) => n.startsWith(`${PROFILES_FILE}.`) && n.endsWith('.tmp'));
    await Promise.all(stale.map((n) => fs.rm(join(this.dir, n), { force: true }).catch(() => undefined)));
  }

  private async setAside(why: string): Promise<StoredProfile[]> {
    // Nothing of the old file is kept: it is moved aside whole.
    this.kept = { invalid: [], extras: {} };
    const backup = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await fs.rename(this.file, backup);
      this.notices.push(`Your saved profiles file ${why}. It was moved to ${backup} and default profiles are in use.`);
    } catch (err) {
      this.notices.push(`Your saved profiles file ${why} and could not be moved aside (${(err as Error).message}). Default profiles are in use.`);
    }
    return defaultProfiles();
  }

  /** Serialises writes; the in-memory list changes only after the file is safely on disk. */
  private mutate<T>(change: (profiles: StoredProfile[]) => Promise<{ profiles: StoredProfile[]; result: T }>): Promise<T> {
    const run = this.writing.then(async () => {
      const current = await this.load();
      if (this.newerFile !== undefined) {
        throw failure(
          'READ_ONLY',
          `Your profiles were saved by a newer version of etcd desktop (file version ${this.newerFile}): this version cannot change them without losing what it does not understand. Update the app to edit profiles.`,
        );
      }
      const { profiles, result } = await change(current);
      await writeAtomic(this.file, serializeFile(profiles, this.kept));
      this.profiles = profiles;
      return result;
    });
    this.writing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

export async function writeAtomic(file: string, content: string): Promise<void> {
  const dir = join(file, '..');
  await fs.mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  // Make the rename itself durable; not every platform lets us open a directory.
  const dirHandle = await fs.open(dir, 'r').catch(() => undefined);
  await dirHandle?.sync().catch(() => undefined);
  await dirHandle?.close();
}

const target = (p: { endpoints: readonly string[]; username?: string; tls?: ProfileInput['tls'] }): string =>
  JSON.stringify([p.endpoints.map((e) => e.trim()), p.username?.trim() || '', cleanTls(p.tls) ?? null]);

/**
 * A stored password is only ever sent where it was saved for. Changing endpoints, user or TLS
 * while keeping the password would let anyone with the renderer send it to another server.
 */
function assertSameTarget(stored: StoredProfile, input: ProfileInput): void {
  if (stored.password && target(stored) !== target(input)) {
    throw failure(
      'INVALID_ARGUMENT',
      'The endpoints, user or TLS settings changed: enter the password again (or clear it), so a saved password is never sent to a server it was not saved for.',
      { field: 'password' },
    );
  }
}

function cleanTls(tls: ProfileInput['tls']): StoredProfile['tls'] {
  if (!tls) return undefined;
  const out = {
    caFile: tls.caFile?.trim() || undefined,
    certFile: tls.certFile?.trim() || undefined,
    keyFile: tls.keyFile?.trim() || undefined,
    serverName: tls.serverName?.trim() || undefined,
  };
  return out.caFile || out.certFile || out.keyFile ? out : undefined;
}

/** TLS fields this version does not know stay as they were while TLS stays on. */
function keepUnknownTls(previous: StoredProfile['tls'], next: StoredProfile['tls']): StoredProfile['tls'] {
  if (!previous || !next) return next;
  const { caFile: _c, certFile: _r, keyFile: _k, serverName: _s, ...unknown } = previous;
  return { ...unknown, ...next };
}

/** Only the fields this version knows reach the renderer: an unknown one could be a secret of a newer version. */
function toPublic(p: StoredProfile): Profile {
  const { password } = p;
  const tls = p.tls && { caFile: p.tls.caFile, certFile: p.tls.certFile, keyFile: p.tls.keyFile, serverName: p.tls.serverName };
  return {
    id: p.id,
    name: p.name,
    endpoints: p.endpoints,
    deadlineMs: p.deadlineMs,
    ...(p.username !== undefined ? { username: p.username } : {}),
    ...(tls ? { tls: JSON.parse(JSON.stringify(tls)) as typeof tls } : {}),
    ...(p.color !== undefined ? { color: p.color } : {}),
    mode: modeOfStored(p),
    hasPassword: password !== undefined,
    ...(password?.kind === 'plaintext' ? { passwordPlaintext: true } : {}),
  };
}

/** A stored profile's mode: `normal` when absent, read-only when a newer version wrote one this version does not know. */
export function modeOfStored(p: Pick<StoredProfile, 'mode'>): ProfileMode {
  if (p.mode === undefined) return 'normal';
  return (PROFILE_MODES as readonly string[]).includes(p.mode) ? (p.mode as ProfileMode) : 'read-only';
}
