import type { ChannelName, EventMap, EventName, Namespace, Operation, RequestOf, ResponseOf } from '../../../shared/contract';
import type { AuditRecorder } from '../audit/trail';
import type { Connections } from '../connections';
import type { Logger } from '../logging/logger';
import type { ProfileStore } from '../profiles/store';

/**
 * A domain's handlers as plain async functions: they return the value or throw an
 * AppFailure; `createHandlers` turns both into the channel's Result.
 */
export type DomainHandlers<N extends Namespace> = {
  [O in Operation<N>]: (req: RequestOf<`${N}:${O}` & ChannelName>) => Promise<ResponseOf<`${N}:${O}` & ChannelName>>;
};

/** What every domain's handlers may use. */
export interface HandlerContext {
  readonly profiles: ProfileStore;
  readonly connections: Connections;
  /** The system's file dialog (Electron's dialog in the app); absent where there is none. */
  readonly chooseFile?: ChooseFile;
  /** Push an event to the renderer (watch batches, keep-alive renewals). */
  readonly emit: <E extends EventName>(event: E, payload: EventMap[E]) => void;
  /** The handlers' scoped logger (never keys, values or secrets). */
  readonly log: Logger;
  /** The audit trail of the app's writes (write channels are audited by themselves; other writes, e.g. maintenance, call `record`). */
  readonly audit?: AuditRecorder;
}

/** Shows an open-file dialog; resolves with the chosen path, or null when cancelled. */
export type ChooseFile = (options: { readonly title: string; readonly defaultPath?: string; readonly filters: readonly { name: string; extensions: string[] }[] }) => Promise<string | null>;

/** Shows a save-file dialog; resolves with the chosen path, or null when cancelled. */
export type ChooseSaveFile = (options: { readonly title: string; readonly defaultPath?: string; readonly filters: readonly { name: string; extensions: string[] }[] }) => Promise<string | null>;
