/**
 * How a channel is declared: once, with its request schema (zod), its response type, what it
 * does to the cluster and one line of doc. Main's validation, the handler table's type, the
 * preload API and the renderer client are all derived from these declarations.
 */
import { z } from 'zod';

/**
 * What a call does to the etcd cluster. Every `write` channel targets one profile and passes
 * main's write gate (where read-only and production profiles are enforced); `read` channels
 * change nothing in etcd (they may change local state such as saved profiles).
 */
export type Effect = 'read' | 'write';

/** Requests are read, never changed: callers may pass readonly data. */
export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The type of a request, as its schema accepts it. */
export type Input<S extends z.ZodType> = DeepReadonly<z.infer<S>>;

/** A type-only marker for a channel's response (nothing of it exists at run time). */
export interface Returns<T> {
  readonly __returns?: T;
}

/** Declares the response type: `response: returns<Page>()`. */
export const returns = <T>(): Returns<T> => ({});

export interface ChannelDef<S extends z.ZodType = z.ZodType, R = unknown> {
  readonly effect: Effect;
  readonly request: S;
  readonly response: Returns<R>;
  readonly doc: string;
  /** A write in words for the person confirming it ("Delete the key “a/b”"); `targetName`: the other profile of a copy. */
  // Methods, not function-typed properties: a declaration stays assignable to ChannelDef<ZodType, unknown>.
  describe?(req: Input<S>, ctx: { readonly targetName?: string }): string;
  /** On a production profile the user types the request's key (when it is text) instead of the profile name. */
  readonly confirmBy?: 'key';
  /** What the audit trail records of this write beyond key, revisions and outcome. */
  auditDetails?(req: Input<S>, value: R | undefined): Record<string, string | number | boolean>;
}

/** A write names the profile it writes to, so the gate can judge it. */
type WriteRequest = z.ZodObject<{ profileId: z.ZodString }>;

/** The longest confirmation text a write may carry (a key typed out, at most). */
export const CONFIRMATION_MAX = 70_000;

/**
 * Every write request may carry `confirmation`: the text the user typed to confirm a write to a
 * production profile (its name, or the key of a single-key delete). Added here, once, so no
 * write channel can lack it; main's write gate checks it and takes it off before the handler.
 */
const confirmationField = { confirmation: z.string().max(CONFIRMATION_MAX).optional() };
type WithConfirmation<S extends WriteRequest> = z.ZodObject<S['shape'] & typeof confirmationField, z.core.$strict>;

export function channel<S extends WriteRequest, R>(def: ChannelDef<S, R> & { effect: 'write' }): ChannelDef<WithConfirmation<S>, R>;
export function channel<S extends z.ZodType, R>(def: ChannelDef<S, R> & { effect: 'read' }): ChannelDef<S, R>;
export function channel<S extends z.ZodType, R>(def: ChannelDef<S, R>): ChannelDef<z.ZodType, R> {
  if (def.effect !== 'write') return def as unknown as ChannelDef<z.ZodType, R>;
  const request = def.request as unknown as z.ZodObject;
  return { ...(def as unknown as ChannelDef<z.ZodType, R>), request: request.safeExtend(confirmationField) };
}

/**
 * A push event from main: its payload type, a schema the renderer checks every push against
 * (a malformed push is dropped, never acted on) and one line of doc.
 */
export interface EventDef<T = unknown> {
  readonly payload: Returns<T>;
  readonly check: z.ZodType;
  readonly doc: string;
}

export const event = <T>(def: EventDef<T>): EventDef<T> => def;
