/** The messages between main and the Kubernetes worker thread (see k8s-worker.ts). */
import type { AppError } from '../../../shared/result';
import type { WorkerOpName } from './worker-ops';

export interface WorkerRequest {
  readonly id: number;
  readonly op: WorkerOpName;
  readonly input: unknown;
}

/** `threadId`: the worker's thread, so a caller (or a test) can tell it ran off main's thread. */
export type WorkerReply =
  | { readonly id: number; readonly threadId: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly threadId: number; readonly ok: false; readonly error?: AppError; readonly detail: string };
