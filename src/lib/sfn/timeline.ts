/**
 * `sfn retry-timeline`: what the retry policy of one state does with a sequence of errors (one
 * per failed attempt): which retrier handles each attempt (the first whose ErrorEquals matches;
 * each retrier counts its own attempts), the wait before the next attempt (IntervalSeconds ×
 * BackoffRate^(n−1), capped by MaxDelaySeconds; anything from 0 to that with FULL jitter), the
 * time waited so far, and what happens when no retry is left: which Catcher, with which
 * ResultPath and next state, or the execution fails with the error (SPEC "Retrying after error",
 * "Fallback states"; SFN-DG concepts-error-handling).
 */
import {UsageError} from '../core/errors.js'
import {type Json, type LocatedState, statesOf} from './asl.js'
import {catchersOf, errorMatches, type RetrierSettings, retrierSettings, retriersOf, retryWaitSeconds} from './retry.js'

export interface TimelineAttempt {
  /** 1-based number of the failed attempt. */
  attempt: number
  /** [shortest, longest] cumulative wait; differs only with FULL jitter. */
  cumulativeRange: [number, number] | null
  /** Cumulative wait before the next attempt starts (the longest with FULL jitter). */
  cumulativeSeconds: null | number
  error: string
  /** True when the retrier matched but its MaxAttempts were used up: no retry. */
  exhausted: boolean
  /** Index of the retrier that matched this error, or null when none did. */
  retrier: null | number
  /** Which retry of that retrier this is (1-based), or null when there is no retry. */
  retryNumber: null | number
  waitRange: [number, number] | null
  /** The wait before the next attempt; null with FULL jitter (see waitRange) or when nothing is retried. */
  waitSeconds: null | number
}

export interface TimelineOutcome {
  /** Index of the matching Catcher (caught), else null. */
  catcher: null | number
  error: string
  /** caught: a Catcher takes over; failed: the state (and, uncaught, the execution) fails; retries-left: the errors given ran out while retries remained; unknown: a template value (MaxAttempts) is unresolved. */
  kind: 'caught' | 'failed' | 'retries-left' | 'unknown'
  next: null | string
  /** The catcher's ResultPath (JSONPath; default "$": the error output replaces the input), null when not caught or JSONata. */
  resultPath: null | string
}

export interface RetryTimeline {
  attempts: TimelineAttempt[]
  /** The state's TimeoutSeconds per attempt, when it is a number. */
  attemptTimeoutSeconds: null | number
  /** Whether the error sequence was given (--errors) or assumed from the first retrier. */
  errorsGiven: boolean
  outcome: TimelineOutcome
  path: string
  retriers: Array<RetrierSettings & {index: number}>
  state: string
}

/** The state named `name` anywhere in the definition (branches and item processors too). */
export function findState(definition: Json, name: string): LocatedState {
  const all = statesOf(definition)
  const found = all.filter((s) => s.name === name)
  if (found.length === 1) return found[0]!
  if (found.length > 1) {
    throw new UsageError(`"${name}" names ${found.length} states: ${found.map((s) => s.path).join(', ')}`, {
      suggestions: ['State names should be unique in a state machine; rename one of them.'],
    })
  }

  const lower = name.toLowerCase()
  const close = all.filter((s) => s.name.toLowerCase().includes(lower) || lower.includes(s.name.toLowerCase()))
  const withRetry = all.filter((s) => Array.isArray(s.state.Retry) || Array.isArray(s.state.Catch)).map((s) => s.name)
  throw new UsageError(`no state named "${name}"`, {
    suggestions: [
      close.length > 0
        ? `Did you mean ${close.map((s) => `"${s.name}"`).join(' or ')}?`
        : `States with Retry or Catch: ${withRetry.length > 0 ? withRetry.map((n) => `"${n}"`).join(', ') : '(none)'}.`,
    ],
  })
}

/** The error sequence assumed without --errors: the first retrier's first error, once per attempt. */
function assumedError(retriers: RetrierSettings[]): string {
  const first = retriers[0]?.errorEquals[0]
  return first === undefined || first === 'States.ALL' ? 'States.TaskFailed' : first
}

/** Enough attempts to exhaust every retrier; bounded so a MaxAttempts of 99999999 cannot hang. */
const MAX_ATTEMPTS = 1000

export function retryTimeline(definition: Json, stateName: string, errors?: readonly string[]): RetryTimeline {
  const located = findState(definition, stateName)
  const {state} = located
  const retriers = retriersOf(state).map((r) => retrierSettings(r))
  const sequence = errors && errors.length > 0 ? errors : undefined
  const used = retriers.map(() => 0)
  const attempts: TimelineAttempt[] = []
  let low: null | number = 0
  let high: null | number = 0
  let outcome: TimelineOutcome | undefined
  for (let attempt = 1; attempt <= (sequence?.length ?? MAX_ATTEMPTS); attempt++) {
    const error = sequence ? sequence[attempt - 1]! : assumedError(retriers)
    const index = retriers.findIndex((r) => errorMatches(r.errorEquals, error))
    const retrier = index === -1 ? undefined : retriers[index]
    const record: TimelineAttempt = {
      attempt,
      cumulativeRange: null,
      cumulativeSeconds: null,
      error,
      exhausted: false,
      retrier: index === -1 ? null : index,
      retryNumber: null,
      waitRange: null,
      waitSeconds: null,
    }
    attempts.push(record)
    if (retrier && retrier.maxAttempts === null) {
      // An unresolved MaxAttempts: whether this attempt is retried cannot be told.
      outcome = {catcher: null, error, kind: 'unknown', next: null, resultPath: null}
      break
    }

    if (retrier && retrier.maxAttempts !== null && used[index]! < retrier.maxAttempts) {
      used[index]!++
      const wait = retryWaitSeconds(retrier, used[index]!)
      record.retryNumber = used[index]!
      if (wait !== null) {
        record.waitRange = retrier.jitter === 'FULL' ? [0, wait] : [wait, wait]
        record.waitSeconds = retrier.jitter === 'FULL' ? null : wait
      }

      low = low === null || record.waitRange === null ? null : low + record.waitRange[0]
      high = high === null || record.waitRange === null ? null : high + record.waitRange[1]
      record.cumulativeSeconds = high
      record.cumulativeRange = low === null || high === null ? null : [low, high]
      continue
    }

    record.exhausted = retrier !== undefined
    record.cumulativeSeconds = high
    record.cumulativeRange = low === null || high === null ? null : [low, high]
    outcome = catchOutcome(located, error)
    break
  }

  outcome ??= {
    catcher: null,
    error: attempts.at(-1)?.error ?? '',
    kind: 'retries-left',
    next: null,
    resultPath: null,
  }
  return {
    attempts,
    attemptTimeoutSeconds: typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : null,
    errorsGiven: sequence !== undefined,
    outcome,
    path: located.path,
    retriers: retriers.map((r, index) => ({...r, index})),
    state: located.name,
  }
}

function catchOutcome(located: LocatedState, error: string): TimelineOutcome {
  const catchers = catchersOf(located.state)
  const index = catchers.findIndex(
    (c) =>
      Array.isArray(c.ErrorEquals) &&
      errorMatches(
        c.ErrorEquals.filter((e) => typeof e === 'string'),
        error,
      ),
  )
  if (index === -1) return {catcher: null, error, kind: 'failed', next: null, resultPath: null}
  const catcher = catchers[index]!
  const resultPath =
    located.queryLanguage === 'JSONata'
      ? null
      : catcher.ResultPath === undefined
        ? '$'
        : typeof catcher.ResultPath === 'string'
          ? catcher.ResultPath
          : null
  return {
    catcher: index,
    error,
    kind: 'caught',
    next: typeof catcher.Next === 'string' ? catcher.Next : null,
    resultPath,
  }
}
