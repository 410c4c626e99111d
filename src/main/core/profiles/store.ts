import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ProfileInput } from '../../../shared/contract';
import type { Profile, ProfilesState } from '../../../shared/types';
import { failure } from '../etcd/errors';
import type { SecretCipher } from './secrets';

export const PROFILES_FILE = 'profiles.json';
export const DEFAULT_DEADLINE_MS = 5000;

const storedSecret = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('encrypted'), data: z.string() }),
  z.object({ kind: z.literal('plaintext'), data: z.string() }),
]);

const storedProfile = z.object({
  id: z.string().min(1),
  name: z.string(),
  endpoints: z.array(z.string()).min(1),
  username: z.string().optional(),
  password: storedSecret.optional(),
  tls: z.object({ caFile: z.string().optional(), certFile: z.string().optional(), keyFile: z.string().optional() }).optional(),
  deadlineMs: z.number().int().positive(),
  color: z.string().optional(),
});

const storedFile = z.object({ version: z.literal(1), profiles: z.array(storedProfile) });

export type StoredProfile = z.infer<typeof storedProfile>;

/** A profile with its secret decrypted: only ever used inside main to open a session. */
export interface ResolvedProfile extends Omit<StoredProfile, 'password'> {
  readonly password?: string;
}

export const defaultProfiles = (): StoredProfile[] => [
  { id: 'local', name: 'Local', endpoints: ['http://127.0.0.1:2379'], deadlineMs: DEFAULT_DEADLINE_MS, color: '#3b82f6' },
];

/**
 * Profiles in one JSON file. Writes are atomic (temp file, fsync, rename) so a crash never
 * leaves half a file; a file that cannot be read is moved aside, reported, and replaced by
 * defaults so the app still starts.
 */
export class ProfileStore {
  private profiles: StoredProfile[] | undefined;
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
        id: previous?.id ?? randomUUID(),
        name: input.name.trim(),
        endpoints: input.endpoints.map((e) => e.trim()),
        username: input.username?.trim() || undefined,
        password: input.password === undefined ? previous?.password : this.seal(input.password, input.allowPlaintextPassword),
        tls: cleanTls(input.tls),
        deadlineMs: input.deadlineMs ?? previous?.deadlineMs ?? DEFAULT_DEADLINE_MS,
        color: input.color ?? previous?.color,
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
    const { password, ...rest } = p;
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

  private async load(): Promise<StoredProfile[]> {
    if (this.profiles) return this.profiles;
    let raw: string;
    try {
      raw = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return (this.profiles = defaultProfiles());
      return (this.profiles = await this.setAside(`could not be read (${(err as Error).message})`));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      return (this.profiles = await this.setAside(`is not valid JSON (${(err as Error).message})`));
    }
    const result = storedFile.safeParse(parsed);
    if (!result.success) {
      return (this.profiles = await this.setAside(`has an unexpected shape (${result.error.issues[0]?.message ?? 'invalid'})`));
    }
    return (this.profiles = result.data.profiles);
  }

  private async setAside(why: string): Promise<StoredProfile[]> {
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
      const { profiles, result } = await change(await this.load());
      await writeAtomic(this.file, `${JSON.stringify({ version: 1, profiles }, null, 2)}\n`);
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
  };
  return out.caFile || out.certFile || out.keyFile ? out : undefined;
}

function toPublic(p: StoredProfile): Profile {
  const { password, ...rest } = p;
  return {
    ...rest,
    hasPassword: password !== undefined,
    ...(password?.kind === 'plaintext' ? { passwordPlaintext: true } : {}),
  };
}
