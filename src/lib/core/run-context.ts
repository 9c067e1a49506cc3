/**
 * What every lib entry point gets besides its clients and its request: the means to stop, to tell
 * the time, to wait, to report progress and warnings, and to register clean-up. Built once per run
 * by BaseCommand (`this.runContext()`); tests build one with `testRunContext()` and override what
 * they need. The convention for a flow's entry point is `fn(clients, request, ctx)`.
 */
import {sleep as abortableSleep} from './sleep.js'

/** One step of progress; the UI decides whether and how to draw it. */
export interface ProgressUpdate {
  detail?: string
  done?: number
  label: string
  total?: number
}

export interface RunContext {
  /** The clock (injected so tests and plans are reproducible). */
  now(): Date
  /** Work to run on exit or Ctrl-C (remove temporary files, stop child processes). */
  onCleanup(fn: () => Promise<void> | void): void
  /** Report progress (silent under --json or without a terminal). */
  progress(update: ProgressUpdate): void
  /** Aborted on Ctrl-C: pass it to every AWS call and long loop. */
  readonly signal: AbortSignal
  /** Wait `ms`; aborting the signal ends the wait with an AbortedError (exit 8). */
  sleep(ms: number): Promise<void>
  /** A warning for the user: stderr in text, the envelope's `warnings` under --json. */
  warn(message: string): void
}

/** A context that does nothing visible: for tests and for library use outside the CLI. */
export function testRunContext(overrides: Partial<RunContext> = {}): RunContext {
  const signal = overrides.signal ?? new AbortController().signal
  return {
    now: () => new Date(),
    onCleanup() {},
    progress() {},
    signal,
    sleep: (ms) => abortableSleep(ms, signal),
    warn() {},
    ...overrides,
  }
}

/**
 * The same context stopped by another signal (e.g. one round of a watch loop, aborted when the
 * loop ends): its waits end with that signal too.
 */
export function withSignal(ctx: RunContext, signal: AbortSignal): RunContext {
  return {...ctx, signal, sleep: (ms) => abortableSleep(ms, signal)}
}
