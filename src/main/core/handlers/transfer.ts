import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { toBuffer } from '../etcd/bytes';
import { failure } from '../etcd/errors';
import { runApply } from '../transfer/apply';
import { checkExportTarget, runExport } from '../transfer/export';
import { runPlan } from '../transfer/plan';
import { PlanStore } from '../transfer/plans';
import type { ChooseSaveFile, DomainHandlers, HandlerContext } from './types';

const FILTERS = [
  { name: 'etcd export (JSON Lines)', extensions: ['jsonl'] },
  { name: 'JSON (etcdctl get -w json)', extensions: ['json'] },
  { name: 'All files', extensions: ['*'] },
];

/** Refuses a path that cannot be an import file before a job is started for it. */
async function checkImportFile(path: string): Promise<void> {
  if (!isAbsolute(path)) throw failure('INVALID_ARGUMENT', 'Choose the file to import (a full path).', { field: 'path' });
  const st = await stat(path).catch(() => undefined);
  if (!st) throw failure('NOT_FOUND', 'The file to import does not exist.', { field: 'path' });
  if (!st.isFile()) throw failure('INVALID_ARGUMENT', 'That path is not a file.', { field: 'path' });
}

export const transferHandlers = ({ connections, chooseFile }: HandlerContext, chooseSaveFile?: ChooseSaveFile): DomainHandlers<'transfer'> => {
  // Dry runs accepted for apply, by plan id (bounded: see plans.ts).
  const plans = new PlanStore();
  return {
    export: async (req) => {
      const c = connections.get(req.profileId);
      await checkExportTarget(req.path);
      const opts = { path: req.path, ...(req.keys ? { keys: req.keys.map(toBuffer) } : { prefix: toBuffer(req.prefix ?? { encoding: 'utf8', data: '' }) }) };
      return c.tasks.startJob('export', (job) => runExport(c.session, opts, job));
    },
    plan: async (req) => {
      const c = connections.get(req.profileId);
      await checkImportFile(req.path);
      const opts = { profileId: req.profileId, path: req.path, onExisting: req.onExisting };
      return c.tasks.startJob('import-plan', (job) => runPlan(c.session, opts, job, plans));
    },
    apply: async (req) => {
      const c = connections.get(req.profileId);
      const plan = plans.get(req.planId, req.profileId);
      return c.tasks.startJob('import-apply', (job) => runApply(c.session, plan, job));
    },
    chooseFile: async ({ purpose, current }) => {
      const dialog = purpose === 'export' ? chooseSaveFile : chooseFile;
      if (!dialog) throw failure('NOT_FOUND', 'No file dialog is available here: type or paste the path instead.');
      const path = await dialog({
        title: purpose === 'export' ? 'Export keys to a file' : 'Import keys from a file',
        ...(current ? { defaultPath: current } : purpose === 'export' ? { defaultPath: 'etcd-export.jsonl' } : {}),
        filters: purpose === 'export' ? [FILTERS[0]] : FILTERS,
      });
      return { path };
    },
  };
};
