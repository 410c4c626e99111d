/**
 * Export and import (docs/file-format.md). Export, dry run and apply run as jobs of the profile's
 * connection: they answer at once with the job, report progress as `event:job`, can be cancelled
 * with jobs:cancel, and say what they did in the final event's `report` (job-reports.ts).
 */
import { z } from 'zod';
import type { JobInfo } from '../types';
import { channel, returns, type Input } from './define';
import { FILE_PATH_MAX } from './limits';
import { key, profileId } from './schemas';

/** A selection export names at most this many keys. */
export const EXPORT_KEYS_MAX = 10_000;

const filePath = z.string().min(1).max(FILE_PATH_MAX);

export const exportRequest = z
  .object({
    profileId,
    /** Where to write (the save dialog's answer); replaced only once the export is complete. */
    path: filePath,
    /** Every key under this prefix (empty text: the whole keyspace)... */
    prefix: key.optional(),
    /** ...or exactly these keys. */
    keys: z.array(key).min(1).max(EXPORT_KEYS_MAX).optional(),
  })
  .strict()
  .refine((r) => (r.prefix === undefined) !== (r.keys === undefined), 'give either a prefix or keys');
export type ExportRequest = Input<typeof exportRequest>;

export const planRequest = z
  .object({
    profileId,
    path: filePath,
    /** A key that exists with other bytes: `overwrite` it, or `keep` it (listed as a conflict). */
    onExisting: z.enum(['overwrite', 'keep']),
  })
  .strict();
export type PlanRequest = Input<typeof planRequest>;

export const applyRequest = z.object({ profileId, planId: z.string().min(1).max(100) }).strict();
export type ApplyRequest = Input<typeof applyRequest>;

export const chooseTransferFileRequest = z
  .object({
    /** `export`: a save dialog; `import`: an open dialog. */
    purpose: z.enum(['export', 'import']),
    /** Proposed file name or path. */
    current: z.string().max(FILE_PATH_MAX).optional(),
  })
  .strict();
export type ChooseTransferFileRequest = Input<typeof chooseTransferFileRequest>;

export const transfer = {
  export: channel({
    effect: 'read',
    request: exportRequest,
    response: returns<JobInfo>(),
    doc: 'Start exporting a prefix or a selection at one revision to a file (JSON Lines); no partial file is ever left.',
  }),
  plan: channel({
    effect: 'read',
    request: planRequest,
    response: returns<JobInfo>(),
    doc: "Start the dry run of importing a file (ours or etcdctl's JSON): counts and lists of create / overwrite / unchanged / conflict, and a plan id. Writes nothing.",
  }),
  apply: channel({
    effect: 'write',
    describe: () => 'Import the keys of the checked file',
    request: applyRequest,
    response: returns<JobInfo>(),
    doc: 'Start applying an accepted dry run: compare-and-swap writes in batched transactions; the final report says exactly what was written.',
  }),
  chooseFile: channel({
    effect: 'read',
    request: chooseTransferFileRequest,
    response: returns<{ path: string | null }>(),
    doc: "The system's save dialog (export) or open dialog (import); null when cancelled.",
  }),
};
