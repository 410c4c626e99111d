/**
 * The pure functions the Kubernetes worker thread runs, by operation name: bytes (and text) in,
 * a structured-cloneable answer out. One table, so that the encoder can join the decoder in the
 * same worker by adding a line here. An op may throw an AppFailure: its AppError crosses back as
 * it is; anything else crosses as an INTERNAL failure (its text goes to the log only).
 */
import { decodeK8sValue, type DecodedValue } from './decode';

export const workerOps = {
  decode: (input: { readonly value: Uint8Array }): DecodedValue => decodeK8sValue(input.value),
};

export type WorkerOps = typeof workerOps;
export type WorkerOpName = keyof WorkerOps;
export type WorkerInput<Op extends WorkerOpName> = Parameters<WorkerOps[Op]>[0];
export type WorkerOutput<Op extends WorkerOpName> = ReturnType<WorkerOps[Op]>;
