import { failure } from '../etcd/errors';
import { describeRendererError } from '../logging/error-text';
import type { Logger } from '../logging/logger';
import type { DomainHandlers } from './types';

export interface AppHandlerDeps {
  /** Where renderer errors are written (scope `renderer`). */
  readonly log: Logger;
  /** The folder holding the log files; absent when nothing is logged to files. */
  readonly logFolder?: string;
  /** shell.openPath in the app: resolves with an error message, '' on success. */
  readonly openPath?: (path: string) => Promise<string>;
  /** Reports kept per minute; a renderer in an error loop must not push everything else out of the log. */
  readonly reportsPerMinute?: number;
  readonly now?: () => number;
}

export const appHandlers = ({ log, logFolder, openPath, reportsPerMinute = 30, now = Date.now }: AppHandlerDeps): DomainHandlers<'app'> => {
  let windowStart = Number.NEGATIVE_INFINITY;
  let kept = 0;
  let dropped = 0;
  return {
    reportError: async (report) => {
      const t = now();
      if (t - windowStart >= 60_000) {
        if (dropped > 0) log.warn('renderer errors not logged (too many)', { dropped });
        windowStart = t;
        kept = 0;
        dropped = 0;
      }
      if (kept >= reportsPerMinute) {
        dropped++;
        return;
      }
      kept++;
      log.error('renderer error', describeRendererError(report));
    },
    openLogFolder: async () => {
      if (!logFolder || !openPath) throw failure('NOT_FOUND', 'This app writes no log files.');
      const error = await openPath(logFolder);
      if (error) {
        throw failure('INTERNAL', `The log folder could not be opened (${error}). It is ${logFolder}.`, { hint: logFolder });
      }
    },
  };
};
