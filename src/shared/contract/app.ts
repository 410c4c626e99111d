/**
 * The app itself, apart from any cluster: what the renderer reports about its own failures
 * (written to the log, redacted) and the way to the log folder.
 */
import { z } from 'zod';
import { channel, returns, type Input } from './define';
import { none } from './schemas';

/** Where a renderer error was caught: a React error boundary, window.onerror, an unhandled rejection. */
export const RENDERER_ERROR_SOURCES = ['boundary', 'window', 'rejection'] as const;
export const ERROR_MESSAGE_MAX = 2000;
export const ERROR_STACK_MAX = 16 * 1024;

export const reportErrorRequest = z
  .object({
    /** The error's message. Logged with quoted text and data-like words removed. */
    message: z.string().max(ERROR_MESSAGE_MAX),
    /** `error.stack`: only its frames (code locations) are logged. */
    stack: z.string().max(ERROR_STACK_MAX).optional(),
    /** React's component stack (error boundaries): only component names and locations are logged. */
    componentStack: z.string().max(ERROR_STACK_MAX).optional(),
    source: z.enum(RENDERER_ERROR_SOURCES),
  })
  .strict();
export type ReportErrorRequest = Input<typeof reportErrorRequest>;

export const app = {
  reportError: channel({
    effect: 'read',
    request: reportErrorRequest,
    response: returns<void>(),
    doc: "Write a renderer error to the app's log (no key, value or secret: text is redacted before it is written).",
  }),
  openLogFolder: channel({
    effect: 'read',
    request: none,
    response: returns<void>(),
    doc: "Open the folder holding the app's log files in the system's file manager.",
  }),
};
