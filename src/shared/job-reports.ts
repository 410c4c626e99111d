/**
 * What a job says when it ends (done, failed or cancelled): one variant per job kind, told apart
 * by `kind` (the same string as the job's `JobInfo.kind`). Each feature adds its own variant
 * here; the renderer branches on `kind`, never on text.
 */
import type { ExportReport, ImportApplyReport, ImportPlanReport } from './transfer-reports';

/** A job whose kind has no structured report (yet): a count and nothing else. */
export interface PlainReport {
  readonly kind: 'plain';
  readonly done: number;
}

export type JobReport = PlainReport | ExportReport | ImportPlanReport | ImportApplyReport;
