/**
 * The `transfer` part of the benchmark: export and import (src/main/core/transfer/) as the jobs
 * run them, with baselines from the same run:
 *   export  N keys under a prefix to a file (scan at one revision, JSON Lines, temp + rename) vs
 *           `etcdctl get <prefix> --prefix -w json` into a pipe;
 *   import  the dry run and the compare-and-swap apply of a file of N new keys vs plain putMany of
 *           N other new keys (txns of 128 puts, 8 in flight, no compares, no file).
 * Each round uses prefixes of its own, so every import creates N keys.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobReport } from '../../src/shared/job-reports';
import type { ExportReport, ImportApplyReport, ImportPlanReport } from '../../src/shared/transfer-reports';
import { putMany, type BulkEntry } from '../../src/main/core/etcd/bulk';
import type { EtcdSession } from '../../src/main/core/etcd/session';
import type { JobContext } from '../../src/main/core/tasks/connection-tasks';
import { runApply } from '../../src/main/core/transfer/apply';
import { runExport } from '../../src/main/core/transfer/export';
import { entryLine, headerLine } from '../../src/main/core/transfer/format';
import { runPlan } from '../../src/main/core/transfer/plan';
import { PlanStore } from '../../src/main/core/transfer/plans';
import { median, now, round1, runEtcdctl, type Row } from './util';

export interface TransferBenchOptions {
  readonly session: EtcdSession;
  readonly endpoints: readonly string[];
  readonly etcdctl: string;
  readonly keys: number;
  readonly valueSize: number;
  readonly rounds: number;
  /** Everything written goes under it (the bench's own prefix on a shared cluster). */
  readonly prefix: string;
}

/** A JobContext outside ConnectionTasks: keeps the last report. */
function jobContext(): JobContext & { last?: JobReport } {
  const ctx: JobContext & { last?: JobReport } = {
    signal: new AbortController().signal,
    progress: () => undefined,
    report: (r) => {
      ctx.last = r;
    },
  };
  return ctx;
}

const entriesOf = (prefix: string, n: number, valueSize: number): BulkEntry[] =>
  Array.from({ length: n }, (_, i) => {
    const value = Buffer.alloc(valueSize, 'x');
    value.write(`v${i}:`, 0, 'latin1');
    return { key: Buffer.from(`${prefix}${String(i).padStart(9, '0')}`), value };
  });

export async function benchTransfer(o: TransferBenchOptions): Promise<{ results: Record<string, unknown>; rows: Row[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'etcd-desktop-bench-transfer-'));
  const exportMs: number[] = [];
  const ctlMs: number[] = [];
  const planMs: number[] = [];
  const applyMs: number[] = [];
  const baseMs: number[] = [];
  let exportBytes = 0;
  let txns = 0;
  try {
    for (let r = 0; r < o.rounds; r++) {
      const src = `${o.prefix}transfer-${r}/src/`;
      const seed = entriesOf(src, o.keys, o.valueSize);
      await putMany(o.session, seed);

      // Export vs etcdctl (alternating who goes first).
      const file = path.join(dir, `export-${r}.jsonl`);
      const runOurs = async (): Promise<void> => {
        const ctx = jobContext();
        const t = now();
        await runExport(o.session, { path: file, prefix: Buffer.from(src) }, ctx);
        exportMs.push(now() - t);
        const rep = ctx.last as ExportReport;
        if (!rep.complete || rep.keys !== o.keys) throw new Error(`export wrote ${rep.keys} keys of ${o.keys}`);
        exportBytes = rep.bytes;
      };
      const runCtl = async (): Promise<void> => {
        const c = await runEtcdctl(o.etcdctl, o.endpoints, ['get', src, '--prefix', '-w', 'json']);
        if (c.code !== 0) throw new Error(`etcdctl failed: ${c.stderr}`);
        ctlMs.push(c.ms);
      };
      if (r % 2 === 0) {
        await runOurs();
        await runCtl();
      } else {
        await runCtl();
        await runOurs();
      }

      // Import: a file of N keys nobody has yet (the export's lines under another prefix).
      const dst = `${o.prefix}transfer-${r}/dst/`;
      const importFile = path.join(dir, `import-${r}.jsonl`);
      const lines = [headerLine({ cluster: '0', revision: 0, prefix: { utf8: dst }, count: o.keys, exportedAt: new Date().toISOString() })];
      for (const e of entriesOf(dst, o.keys, o.valueSize)) lines.push(entryLine({ ...e, createRevision: 1, modRevision: 1, version: 1 }));
      await writeFile(importFile, lines.join(''));
      const store = new PlanStore();
      const planCtx = jobContext();
      let t = now();
      await runPlan(o.session, { profileId: 'bench', path: importFile, onExisting: 'keep' }, planCtx, store);
      planMs.push(now() - t);
      const plan = planCtx.last as ImportPlanReport;
      if (plan.counts.create !== o.keys) throw new Error(`dry run: ${plan.counts.create} to create, expected ${o.keys}`);
      const applyCtx = jobContext();
      t = now();
      await runApply(o.session, store.get(plan.planId!, 'bench'), applyCtx);
      applyMs.push(now() - t);
      const applied = applyCtx.last as ImportApplyReport;
      if (applied.counts.created !== o.keys) throw new Error(`apply created ${applied.counts.created}, expected ${o.keys}`);
      txns = applied.transactions;

      // Baseline: plain putMany of N new keys.
      const base = entriesOf(`${o.prefix}transfer-${r}/base/`, o.keys, o.valueSize);
      t = now();
      await putMany(o.session, base);
      baseMs.push(now() - t);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const kps = (ms: number): number => Math.round(o.keys / (ms / 1000));
  const exp = median(exportMs);
  const ap = median(applyMs);
  const pl = median(planMs);
  const base = median(baseMs);
  const results = {
    transfer_keys: o.keys,
    transfer_export_ms_median: round1(exp),
    transfer_export_keys_per_s: kps(exp),
    transfer_export_file_mb: round1(exportBytes / 2 ** 20),
    transfer_export_etcdctl_json_ms_median: round1(median(ctlMs)),
    transfer_plan_ms_median: round1(pl),
    transfer_plan_keys_per_s: kps(pl),
    transfer_apply_ms_median: round1(ap),
    transfer_apply_keys_per_s: kps(ap),
    transfer_apply_txns: txns,
    transfer_import_total_keys_per_s: kps(pl + ap),
    transfer_baseline_putmany_ms_median: round1(base),
    transfer_baseline_putmany_keys_per_s: kps(base),
  };
  const rows: Row[] = [
    { figure: `export ${o.keys} keys to JSON Lines vs etcdctl get -w json (pipe)`, value: exp, unit: 'ms', baseline: median(ctlMs), ratio: exp / median(ctlMs) },
    { figure: '  export rate', value: kps(exp), unit: 'keys/s' },
    {
      figure: `import apply (CAS txns of 128, 8 in flight), ${o.keys} keys vs plain putMany`,
      value: kps(ap),
      unit: 'keys/s',
      baseline: kps(base),
      ratio: kps(ap) / kps(base),
      target: '≥ 30k keys/s',
      met: kps(ap) >= 30_000,
    },
    { figure: '  import dry run (read at one revision)', value: kps(pl), unit: 'keys/s' },
    { figure: '  import dry run + apply', value: kps(pl + ap), unit: 'keys/s' },
  ];
  return { results, rows };
}
