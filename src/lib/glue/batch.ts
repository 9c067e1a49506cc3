/**
 * Glue batch writes done right: bounded concurrency, per-entry Errors[] surfaced and retried when
 * retryable, one adaptive back-off shared by all workers (throttling raises the delay, successes
 * lower it), batches shrunk when Glue times out, and an ambiguous failure (timeout, 5xx, dropped
 * connection: the call may or may not have happened) re-checked with BatchGetPartition instead of
 * being repeated blindly.
 */
import {type GlueClient, type Partition} from '@aws-sdk/client-glue'
import pLimit from 'p-limit'

import type {EntryFailure} from '../core/plan.js'

import {sleep as abortableSleep} from '../core/sleep.js'
import {batchGetPartitions} from './catalog.js'

export type {EntryFailure} from '../core/plan.js'

export type EntryVerdict = 'done' | 'fail' | 'recheck' | 'retry'

export interface BatchOp<E> {
  /** Verdict on a live partition (undefined: absent) after an ambiguous outcome: done, retry, or a conflict message. */
  check(entry: E, live: Partition | undefined): {conflict: string; verdict: 'fail'} | {verdict: 'done' | 'retry'}
  maxBatch: number
  name: string
  /** What an entry-level ErrorCode means for this operation. */
  onEntryError(code: string): EntryVerdict
  /** One API call; returns the per-entry errors (Errors[] of the response). */
  send(batch: E[], signal: AbortSignal | undefined): Promise<Array<{code: string; message: string; values: string[]}>>
  valuesOf(entry: E): string[]
}

export interface BatchRunnerOptions {
  /** Base of the adaptive back-off (ms). */
  baseDelayMs?: number
  concurrency: number
  /** Attempts per entry before it is reported as failed. */
  maxAttempts?: number
  signal?: AbortSignal | undefined
  sleep?: (ms: number) => Promise<void>
  target: {database: string; table: string}
}

const THROTTLE = /throttl|rate ?exceeded|too ?many ?requests|slow ?down|RequestLimitExceeded/i
const TIMEOUT = /OperationTimeout|TimeoutError|ETIMEDOUT|RequestTimeout/i
const NETWORK = /ECONNRESET|EPIPE|socket hang up|ECONNREFUSED|EAI_AGAIN/i

const SERVER = /InternalService|ServiceUnavailable|InternalFailure/

interface CallError {
  $metadata?: {httpStatusCode?: number}
  $retryable?: {throttling?: boolean}
  code?: string
  message?: string
  name?: string
}

/** How to treat a whole-call failure. */
export function callFailureKind(error: unknown): 'ambiguous' | 'fatal' | 'throttled' | 'timeout' {
  const e: CallError = typeof error === 'object' && error !== null ? (error as CallError) : {}
  const text = `${e.name ?? ''} ${e.code ?? ''}`
  const status = e.$metadata?.httpStatusCode ?? 0
  if (THROTTLE.test(text) || e.$retryable?.throttling || status === 429) return 'throttled'
  if (TIMEOUT.test(text)) return 'timeout'
  if (NETWORK.test(`${text} ${e.message ?? ''}`) || SERVER.test(text) || status >= 500) return 'ambiguous'
  return 'fatal'
}

/** Entry codes that are safe to retry (the entry was not applied). */
export const RETRYABLE_ENTRY_CODES = new Set([
  'ConcurrentModificationException',
  'ResourceNotReadyException',
  'ThrottlingException',
])
/** Entry codes after which the entry may or may not have been applied. */
export const AMBIGUOUS_ENTRY_CODES = new Set(['InternalServiceException', 'OperationTimeoutException'])

/** One delay shared by all workers: doubles on throttling, halves on success. */
class AdaptiveDelay {
  delay = 0

  constructor(private readonly base: number) {}

  onSuccess(): void {
    this.delay = this.delay <= this.base ? 0 : Math.floor(this.delay / 2)
  }

  onThrottle(): void {
    this.delay = Math.min(20_000, Math.max(this.base, this.delay * 2))
  }
}

export interface BatchOutcome<E> {
  done: E[]
  failed: EntryFailure[]
  /** Calls made per operation (for reports and the benchmark). */
  requests: number
}

const keys = new WeakMap<string[], string>()

/** A map key for a list of partition values (cached per array: plans compare the same entries often). */
export function valuesKey(values: string[]): string {
  let k = keys.get(values)
  if (k === undefined) {
    k = JSON.stringify(values)
    keys.set(values, k)
  }

  return k
}

/**
 * Apply `entries` with `op`. Entries that end up done are pushed to `outcome.done` as soon as they
 * are known, so a caller that catches a fatal error still knows exactly what was applied.
 */
export async function runBatches<E>(
  glue: GlueClient,
  op: BatchOp<E>,
  entries: E[],
  options: BatchRunnerOptions,
  outcome: BatchOutcome<E>,
): Promise<void> {
  // The one abortable sleep: Ctrl-C ends a back-off at once (exit 8).
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms, options.signal))
  const delay = new AdaptiveDelay(options.baseDelayMs ?? 200)
  const maxAttempts = options.maxAttempts ?? 6
  const limit = pLimit(Math.max(1, options.concurrency))
  const attempts = new Map<E, number>()
  const lastError = new Map<E, {code: string; message: string}>()
  let batchSize = op.maxBatch
  let queue = [...entries]
  let fatal: unknown

  const retry = (entry: E, code: string, message: string, next: E[]): void => {
    const n = (attempts.get(entry) ?? 0) + 1
    attempts.set(entry, n)
    lastError.set(entry, {code, message})
    if (n >= maxAttempts)
      outcome.failed.push({
        code,
        message: `${message} (gave up after ${n} attempts)`,
        operation: op.name,
        values: op.valuesOf(entry),
      })
    else next.push(entry)
  }

  while (queue.length > 0) {
    const next: E[] = []
    const recheck: E[] = []
    const batches: E[][] = []
    for (let i = 0; i < queue.length; i += batchSize) batches.push(queue.slice(i, i + batchSize))
    await Promise.all(
      batches.map((batch) =>
        limit(async () => {
          if (fatal !== undefined || options.signal?.aborted) {
            next.push(...batch)
            return
          }

          if (delay.delay > 0) await sleep(delay.delay * (0.5 + Math.random() / 2))
          let errors: Awaited<ReturnType<BatchOp<E>['send']>>
          try {
            outcome.requests++
            errors = await op.send(batch, options.signal)
            delay.onSuccess()
          } catch (error) {
            const kind = callFailureKind(error)
            const e = error as {message?: string; name?: string}
            if (kind === 'throttled') {
              delay.onThrottle()
              for (const entry of batch) retry(entry, e.name ?? 'ThrottlingException', e.message ?? 'throttled', next)
            } else if (kind === 'timeout' || kind === 'ambiguous') {
              // The call may have been applied: look before sending again; a timeout also means "smaller batches".
              if (kind === 'timeout') batchSize = Math.max(1, Math.floor(Math.min(batchSize, batch.length) / 2))
              for (const entry of batch)
                lastError.set(entry, {code: e.name ?? 'Error', message: e.message ?? String(error)})
              recheck.push(...batch)
            } else {
              fatal ??= error
              next.push(...batch)
            }

            return
          }

          const byValues = new Map<string, {code: string; message: string}>()
          for (const err of errors) byValues.set(valuesKey(err.values), err)
          for (const entry of batch) {
            const err = byValues.get(valuesKey(op.valuesOf(entry)))
            if (!err) {
              outcome.done.push(entry)
              continue
            }

            const verdict = op.onEntryError(err.code)
            lastError.set(entry, err)
            switch (verdict) {
              case 'done': {
                outcome.done.push(entry)
                break
              }

              case 'fail': {
                outcome.failed.push({
                  code: err.code,
                  message: err.message,
                  operation: op.name,
                  values: op.valuesOf(entry),
                })
                break
              }

              case 'recheck': {
                recheck.push(entry)
                break
              }

              case 'retry': {
                if (err.code === 'ThrottlingException') delay.onThrottle()
                retry(entry, err.code, err.message, next)
                break
              }
            }
          }
        }),
      ),
    )

    if (fatal !== undefined) throw fatal
    if (recheck.length > 0) {
      const live = new Map<string, Partition>()
      for (const p of await batchGetPartitions(
        glue,
        options.target,
        recheck.map((e) => op.valuesOf(e)),
        {signal: options.signal, sleep},
      )) {
        live.set(valuesKey(p.Values ?? []), p)
      }

      for (const entry of recheck) {
        const verdict = op.check(entry, live.get(valuesKey(op.valuesOf(entry))))
        if (verdict.verdict === 'done') outcome.done.push(entry)
        else if (verdict.verdict === 'fail')
          outcome.failed.push({
            code: lastError.get(entry)?.code ?? 'Conflict',
            message: verdict.conflict,
            operation: op.name,
            values: op.valuesOf(entry),
          })
        else {
          const last = lastError.get(entry) ?? {code: 'Unknown', message: 'not applied'}
          retry(entry, last.code, last.message, next)
        }
      }
    }

    options.signal?.throwIfAborted()
    if (next.length > 0 && delay.delay > 0) await sleep(delay.delay)
    queue = next
  }
}
