/**
 * The pure functions the Kubernetes worker thread runs, by operation name: bytes (and text) in,
 * a structured-cloneable answer out. One table, so that the encoder can join the decoder in the
 * same worker by adding a line here. An op may throw an AppFailure: its AppError crosses back as
 * it is; anything else crosses as an INTERNAL failure (its text goes to the log only).
 */
import type { K8sEncoded } from '../../../shared/k8s';
import { decodeK8sValue, type DecodedValue } from './decode';
import { reencodeEdited } from './edit';

export const workerOps = {
  decode: (input: { readonly value: Uint8Array }): DecodedValue => decodeK8sValue(input.value),
  encode: (input: { readonly original: Uint8Array; readonly edited: string }): K8sEncoded => reencodeEdited(input.original, input.edited),
};

export type WorkerOps = typeof workerOps;
export type WorkerOpName = keyof WorkerOps;
export type WorkerInput<Op extends WorkerOpName> = Parameters<WorkerOps[Op]>[0];
export type WorkerOutput<Op extends WorkerOpName> = ReturnType<WorkerOps[Op]>;
