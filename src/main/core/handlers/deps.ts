import type { EventMap, EventName } from '../../../shared/contract';
import type { SecretCipher } from '../profiles/secrets';
import type { Logger } from '../logging/logger';
import type { WritePolicy } from '../write-gate';
import type { ClusterAlert } from '../cluster-alerts';
import type { ChooseFile, ChooseSaveFile } from './types';

/** Everything the handler table needs from the outside world; no electron in here. */
export interface HandlerDeps {
  /** Directory holding profiles.json (Electron's userData in the app, a temp dir in tests). */
  readonly profilesDir: string;
  readonly cipher: SecretCipher;
  /** Push an event to the renderer(s). */
  readonly emit: <E extends EventName>(event: E, payload: EventMap[E]) => void;
  /** Decides which writes reach etcd; the profiles' modes unless given. */
  readonly writePolicy?: WritePolicy;
  /** Where failures, connection changes and unexpected errors are written; nowhere unless given. */
  readonly logger?: Logger;
  /** The folder holding the log files (app:openLogFolder opens it). */
  readonly logFolder?: string;
  /** Opens a folder in the system's file manager (Electron's shell.openPath); '' on success, else why not. */
  readonly openPath?: (path: string) => Promise<string>;
  /** The system's open-file dialog (profiles:chooseFile). */
  readonly chooseFile?: ChooseFile;
  /** The system's save-file dialog (transfer:chooseFile for an export). */
  readonly chooseSaveFile?: ChooseSaveFile;
  /**
   * Background liveness probes of connected profiles (a Status call to each endpoint): on, every
   * 1000 ms while the window is visible and every 10 000 ms while hidden, unless overridden here;
   * `false` turns them off (the status then follows the calls' outcomes only).
   */
  /**
   * Shows an OS notification about a connected cluster (a member lost, quorum lost, an alarm);
   * the Electron layer shows it only while the window is in the background. Nothing unless given.
   */
  readonly notify?: (alert: ClusterAlert) => void;
  readonly liveness?: { readonly visibleIntervalMs?: number; readonly hiddenIntervalMs?: number } | false;
}
