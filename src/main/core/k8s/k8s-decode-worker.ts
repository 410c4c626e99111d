/**
 * The worker thread's entry (a second input of the main bundle: out/main/k8s-decode-worker.js).
 * Runs one operation of worker-ops.ts per message, in order, and answers with the request's id.
 */
import { parentPort, threadId } from 'node:worker_threads';
import type { AppError } from '../../../shared/result';
import type { WorkerReply, WorkerRequest } from './worker-protocol';
import { workerOps } from './worker-ops';

function run(m: WorkerRequest): WorkerReply {
  try {
    const op = workerOps[m.op] as ((input: unknown) => unknown) | undefined;
    if (!op) return { id: m.id, threadId, ok: false, detail: `no operation ${String(m.op)}` };
    return { id: m.id, threadId, ok: true, value: op(m.input) };
  } catch (e) {
    // An AppFailure, known by shape: importing errors.ts would load etcd3 into the worker.
    const error = (e as { name?: unknown; error?: AppError } | null)?.name === 'AppFailure' ? (e as { error: AppError }).error : undefined;
    if (error) return { id: m.id, threadId, ok: false, error, detail: error.message };
    return { id: m.id, threadId, ok: false, detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

parentPort?.on('message', (m: WorkerRequest) => parentPort?.postMessage(run(m)));
