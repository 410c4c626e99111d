/**
 * The profiles file: a version number and numbered migrations, read leniently so that one
 * bad profile, a field this version does not know, or a file from a newer version never
 * costs the user a profile.
 */
import { z } from 'zod';

/** Version 2 allows `tls.serverName`; nothing in version-1 data changes. */
export const CURRENT_VERSION = 2;

/**
 * migrations[n] turns a version-n file into a version-(n+1) one. They work on plain JSON so
 * that they keep whatever they do not touch.
 */
export type Migration = (file: Record<string, unknown>) => Record<string, unknown>;
export const migrations: Readonly<Record<number, Migration>> = {
  1: (file) => ({ ...file, version: 2 }),
};

const storedSecret = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('encrypted'), data: z.string() }),
  z.object({ kind: z.literal('plaintext'), data: z.string() }),
]);

/** Loose: fields a newer version added are kept (and written back) untouched. */
export const storedProfile = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  endpoints: z.array(z.string()).min(1),
  username: z.string().optional(),
  password: storedSecret.optional(),
  tls: z
    .looseObject({ caFile: z.string().optional(), certFile: z.string().optional(), keyFile: z.string().optional(), serverName: z.string().optional() })
    .optional(),
  deadlineMs: z.number().int().positive(),
  color: z.string().optional(),
  /** Absent in files written before modes existed: `normal`; one this version does not know: read-only (see `modeOfStored`). */
  mode: z.string().optional(),
});

export type StoredProfile = z.infer<typeof storedProfile>;

export interface ParsedFile {
  /** Profiles this version can use. */
  readonly profiles: StoredProfile[];
  /** Entries that are not valid profiles: skipped for use, kept as they are when the file is written. */
  readonly invalid: unknown[];
  /** Top-level fields other than `version` and `profiles`, kept as they are. */
  readonly extras: Record<string, unknown>;
  /** The file was written by a newer version: use it, never write it. */
  readonly newer: boolean;
  readonly version: number;
  /** One line per problem, for the user. */
  readonly problems: string[];
}

/** Thrown when the file as a whole cannot be used (not an object, no profiles list, a migration failed). */
export class UnreadableFile extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseFile(json: unknown): ParsedFile {
  if (!isRecord(json)) throw new UnreadableFile('is not a JSON object');
  const version = json.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new UnreadableFile('has no valid version number');
  let file = json;
  for (let v = version; v < CURRENT_VERSION; v++) {
    const step = migrations[v];
    if (!step) throw new UnreadableFile(`is version ${v}, which this version cannot upgrade`);
    file = step(file);
  }
  if (!Array.isArray(file.profiles)) throw new UnreadableFile('has no list of profiles');
  const { version: _v, profiles: entries, ...extras } = file;
  const profiles: StoredProfile[] = [];
  const invalid: unknown[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  entries.forEach((entry: unknown, i: number) => {
    const parsed = storedProfile.safeParse(entry);
    if (parsed.success && !seen.has(parsed.data.id)) {
      seen.add(parsed.data.id);
      profiles.push(parsed.data);
      return;
    }
    invalid.push(entry);
    const name = isRecord(entry) && typeof entry.name === 'string' ? `“${entry.name}”` : `number ${i + 1}`;
    const why = parsed.success ? 'has the same id as another one' : `is not valid (${parsed.error.issues[0]?.path.join('.') || 'profile'}: ${parsed.error.issues[0]?.message})`;
    problems.push(`Saved profile ${name} ${why}: it is skipped here and kept in the file unchanged.`);
  });
  return { profiles, invalid, extras, newer: version > CURRENT_VERSION, version, problems };
}

/** The file's JSON text for these profiles, keeping what was read but not used. */
export function serializeFile(profiles: readonly StoredProfile[], kept: Pick<ParsedFile, 'invalid' | 'extras'>): string {
  return `${JSON.stringify({ ...kept.extras, version: CURRENT_VERSION, profiles: [...profiles, ...kept.invalid] }, null, 2)}\n`;
}
