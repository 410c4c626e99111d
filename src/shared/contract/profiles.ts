import { z } from 'zod';
import type { Profile, ProfilesState, TestConnectionResult, TlsSettings } from '../types';
import { channel, returns, type Input } from './define';
import {
  COLOR_MAX,
  DEADLINE_MS,
  ENDPOINT_MAX_LENGTH,
  endpointProblem,
  ENDPOINTS_MAX,
  FILE_PATH_MAX,
  oneScheme,
  PASSWORD_MAX,
  PROFILE_NAME_MAX,
  USERNAME_MAX,
} from './limits';
import { none, profileRef } from './schemas';

const endpoint = z
  .string()
  .trim()
  .max(ENDPOINT_MAX_LENGTH)
  .superRefine((s, ctx) => {
    const problem = endpointProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: `“${s}” ${problem}` });
  });
const filePath = z.string().max(FILE_PATH_MAX).optional();

export const tlsSettings = z
  .object({
    caFile: filePath,
    certFile: filePath,
    keyFile: filePath,
    serverName: z.string().trim().max(253).regex(/^$|^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'a server name is a host name such as etcd.example.internal').optional(),
  })
  .strict() satisfies z.ZodType<TlsSettings>;

export const profileInput = z
  .object({
    /** Absent to create a new profile. */
    id: z.string().min(1).max(200).optional(),
    name: z.string().trim().min(1, 'a profile needs a name').max(PROFILE_NAME_MAX),
    endpoints: z.array(endpoint).min(1, 'at least one endpoint').max(ENDPOINTS_MAX).refine(oneScheme, 'all endpoints must use the same scheme (http or https)'),
    username: z.string().max(USERNAME_MAX).optional(),
    /** string: set this password; null: remove the stored one; absent: keep what is stored. */
    password: z.string().max(PASSWORD_MAX).nullable().optional(),
    tls: tlsSettings.optional(),
    deadlineMs: z.number().int().min(DEADLINE_MS.min).max(DEADLINE_MS.max).optional(),
    color: z.string().max(COLOR_MAX).optional(),
    /** Absent: keep what is stored (`normal` for a new profile). */
    mode: z.enum(['normal', 'production', 'read-only']).optional(),
    /** The user explicitly accepts storing the password unencrypted when the OS offers no encryption. */
    allowPlaintextPassword: z.boolean().optional(),
  })
  .strict();
/** A profile as the user edits it. */
export type ProfileInput = Input<typeof profileInput>;

/** What a chosen file is for: the dialog's title and filters follow from it. */
export const TLS_FILE_PURPOSES = ['ca', 'cert', 'key'] as const;
export type TlsFilePurpose = (typeof TLS_FILE_PURPOSES)[number];

export const chooseFileRequest = z
  .object({
    purpose: z.enum(TLS_FILE_PURPOSES),
    /** The path in the field now: the dialog opens in its folder. */
    current: z.string().max(FILE_PATH_MAX).optional(),
  })
  .strict();
export type ChooseFileRequest = Input<typeof chooseFileRequest>;

export const profiles = {
  list: channel({
    effect: 'read',
    request: none,
    response: returns<ProfilesState>(),
    doc: 'Every saved profile (secrets replaced by `hasPassword`), plus notices about the store.',
  }),
  save: channel({
    effect: 'read',
    request: profileInput,
    response: returns<Profile>(),
    doc: 'Create (no id) or update a profile; returns it as stored. Changes local settings, not the cluster.',
  }),
  remove: channel({
    effect: 'read',
    request: profileRef,
    response: returns<void>(),
    doc: 'Delete a profile and end its connection if any.',
  }),
  chooseFile: channel({
    effect: 'read',
    request: chooseFileRequest,
    response: returns<{ readonly path: string | null }>(),
    doc: "Let the user pick a TLS file with the system's file dialog; null when they cancel. Only the path crosses, never the content.",
  }),
  test: channel({
    effect: 'read',
    request: profileInput,
    response: returns<TestConnectionResult>(),
    doc: 'Try a profile without saving it. With an id and no password, the stored password is used.',
  }),
};
