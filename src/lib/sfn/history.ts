/**
 * `sfn explain` on an execution history (GetExecutionHistory events, live or the saved output of
 * `aws stepfunctions get-execution-history`): the state where the failure started — not the
 * Catch handler it went to, nor the Fail state the handler ended in — its error and cause (a
 * Lambda error's errorType, errorMessage and stack trace parsed from the cause JSON), what the
 * error means, and each retry actually taken against the configured schedule.
 *
 * Only *StateEntered/*StateExited events carry a state name; a TaskFailed is tied to its state by
 * following previousEventId back to the nearest StateEntered (Parallel branches and Map
 * iterations interleave, so the previous event by id is not enough). Source: the SFN API model
 * (HistoryEvent) and the history shapes recorded on AWS (shared/reference, part 4).
 */
import {isObj, type Json} from './asl.js'
import {type ErrorExplanation, explainError} from './error-catalogue.js'
import {type RetryTimeline, retryTimeline} from './timeline.js'

export interface HistoryEvent {
  [details: string]: unknown
  id: number
  previousEventId?: number
  timestamp: Date | number | string
  type: string
}

export interface ParsedCause {
  errorMessage?: string
  errorType?: string
  /** A Lambda request id when the runtime put one in the cause (Python does). */
  requestId?: string
  trace: string[]
}

export interface FailureEvent {
  at: string
  cause: null | string
  error: null | string
  eventId: number
  /** For a task: what ran (resourceType:resource, e.g. lambda:invoke), if the event says. */
  resource: null | string
  /** The state the event belongs to, or null when no StateEntered leads to it. */
  state: null | string
  type: string
}

export interface RetryAttempt {
  attempt: number
  error: null | string
  failedAt: null | string
  scheduledAt: string
  /** Seconds between the previous attempt's failure and this attempt's start (the retry wait). */
  waitedSeconds: null | number
}

export interface ExplainResult {
  /** Other failures not retried away (e.g. in the Catch handler itself, or earlier caught ones). */
  alsoFailed: FailureEvent[]
  cause: null | ParsedCause
  execution: {
    cause: null | string
    error: null | string
    startedAt: null | string
    status: string
    stoppedAt: null | string
  }
  explanation: ErrorExplanation | null
  /** Where the Catch sent the execution, when the failing state's error was caught. */
  handledBy: null | {failState: null | string; failStateError: null | string; next: string}
  /** Where the failure started; null for an execution that did not fail. */
  origin: (FailureEvent & {kind: 'aborted' | 'execution-failed' | 'execution-timeout' | 'fail-state' | 'task'}) | null
  retries: {
    attempts: RetryAttempt[]
    /** The schedule of the definition for the same errors, when the definition is known. */
    configured: null | RetryTimeline
    summary: string
  }
}

const FAILURE_TYPES = new Set([
  'ActivityFailed',
  'ActivityScheduleFailed',
  'ActivityTimedOut',
  'EvaluationFailed',
  'LambdaFunctionFailed',
  'LambdaFunctionScheduleFailed',
  'LambdaFunctionStartFailed',
  'LambdaFunctionTimedOut',
  'MapRunFailed',
  'TaskFailed',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'TaskTimedOut',
])
const SCHEDULE_TYPES = new Set(['ActivityScheduled', 'LambdaFunctionScheduled', 'TaskScheduled'])

/** The event's details member: `taskFailedEventDetails`; every *StateEntered/*StateExited shares one name. */
export function detailsKey(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails'
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails'
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`
}

export const detailsOf = (event: HistoryEvent): Json => {
  const details = event[detailsKey(event.type)]
  return isObj(details) ? details : {}
}

const text = (v: unknown): null | string => (typeof v === 'string' ? v : null)

export function isoTime(value: Date | number | string): string {
  if (value instanceof Date) return value.toISOString()
  // The AWS CLI prints epoch seconds (a float) or ISO text, by its cli_timestamp_format.
  if (typeof value === 'number') return new Date(value < 1e12 ? value * 1000 : value).toISOString()
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? value : d.toISOString()
}

const ms = (value: string): number => new Date(value).getTime()

/** A Lambda error cause: `{"errorType","errorMessage","trace"|"stackTrace","requestId"}` as a JSON string. */
export function parseCause(cause: null | string): null | ParsedCause {
  if (!cause) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(cause)
  } catch {
    return null
  }

  if (!isObj(parsed) || (parsed.errorMessage === undefined && parsed.errorType === undefined)) return null
  const stack = Array.isArray(parsed.trace) ? parsed.trace : Array.isArray(parsed.stackTrace) ? parsed.stackTrace : []
  return {
    ...(typeof parsed.errorMessage === 'string' ? {errorMessage: parsed.errorMessage} : {}),
    ...(typeof parsed.errorType === 'string' ? {errorType: parsed.errorType} : {}),
    ...(typeof parsed.requestId === 'string' ? {requestId: parsed.requestId} : {}),
    trace: stack.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))),
  }
}

/** Accept the CLI's `{"events": [...]}`, a bare array, or several pages concatenated by a script. */
export function historyEvents(data: unknown): HistoryEvent[] | undefined {
  const list = Array.isArray(data) ? data : isObj(data) && Array.isArray(data.events) ? data.events : undefined
  if (!list) return undefined
  const events = list.filter(
    (e): e is HistoryEvent => isObj(e) && typeof e.id === 'number' && typeof e.type === 'string',
  )
  return events.length === list.length ? events.sort((a, b) => a.id - b.id) : undefined
}

export function explainHistory(events: readonly HistoryEvent[], definition?: Json): ExplainResult {
  const byId = new Map(events.map((e) => [e.id, e]))
  const enteredCache = new Map<number, HistoryEvent | null>()
  /** The StateEntered event an event belongs to. */
  const enteredOf = (event: HistoryEvent): HistoryEvent | null => {
    const seen: HistoryEvent[] = []
    let current: HistoryEvent | undefined = event
    let found: HistoryEvent | null = null
    while (current) {
      const cached = enteredCache.get(current.id)
      if (cached !== undefined) {
        found = cached
        break
      }

      seen.push(current)
      if (current !== event && current.type.endsWith('StateEntered')) {
        found = current
        break
      }

      current = current.previousEventId === undefined ? undefined : byId.get(current.previousEventId)
    }

    for (const e of seen) enteredCache.set(e.id, found)
    return found
  }

  const stateName = (entered: HistoryEvent | null): null | string =>
    entered
      ? (text(detailsOf(entered).name) ?? text((entered.stateEnteredEventDetails as Json | undefined)?.name))
      : null

  const failureOf = (event: HistoryEvent): FailureEvent => {
    const d = detailsOf(event)
    const resource = text(d.resourceType) && text(d.resource) ? `${d.resourceType}:${d.resource}` : text(d.resource)
    return {
      at: isoTime(event.timestamp),
      cause: text(d.cause),
      error: text(d.error),
      eventId: event.id,
      resource,
      state: text(d.state) ?? stateName(enteredOf(event)),
      type: event.type,
    }
  }

  // Failures that were not retried: no later attempt was scheduled in the same state visit.
  const failures = events.filter((e) => FAILURE_TYPES.has(e.type))
  const schedules = events.filter((e) => SCHEDULE_TYPES.has(e.type))
  const final = failures.filter((f) => {
    const visit = enteredOf(f)
    return !schedules.some((s) => s.id > f.id && enteredOf(s) === visit)
  })

  const terminal = [...events]
    .reverse()
    .find((e) => e.type.startsWith('Execution') && e.type !== 'ExecutionStarted' && e.type !== 'ExecutionRedriven')
  const started = events.find((e) => e.type === 'ExecutionStarted')
  const status = terminal
    ? terminal.type.replace('Execution', '').toUpperCase().replace('TIMEDOUT', 'TIMED_OUT')
    : 'RUNNING'
  const terminalDetails = terminal ? detailsOf(terminal) : {}
  const failStates = events.filter((e) => e.type === 'FailStateEntered')
  let origin: ExplainResult['origin'] = null
  if (status === 'FAILED' || status === 'RUNNING') {
    const lastFail = failStates.at(-1)
    const candidates = lastFail ? final.filter((f) => f.id < lastFail.id) : final
    const chosen = candidates.at(-1)
    if (chosen) origin = {...failureOf(chosen), kind: 'task'}
    else if (lastFail) {
      origin = {
        at: isoTime(lastFail.timestamp),
        cause: text(terminalDetails.cause),
        error: text(terminalDetails.error),
        eventId: lastFail.id,
        kind: 'fail-state',
        resource: null,
        state: stateName(lastFail),
        type: 'FailStateEntered',
      }
    }
  }

  // The state that was still running when the execution stopped: entered, never exited.
  const openState = (): null | string => {
    const exited = new Set(events.filter((e) => e.type.endsWith('StateExited')).map((e) => text(detailsOf(e).name)))
    const open = [...events].reverse().find((e) => e.type.endsWith('StateEntered') && !exited.has(stateName(e)))
    return open ? stateName(open) : null
  }

  if (!origin && status === 'FAILED' && terminal) {
    // No task failed and no Fail state was entered, or the log level kept only the execution's
    // own failure (an Express execution logged at ERROR): the execution's error is the failure.
    // A States.Runtime cause names its state ("… executing the state 'X' (entered at …)").
    const cause = text(terminalDetails.cause)
    origin = {
      at: isoTime(terminal.timestamp),
      cause,
      error: text(terminalDetails.error),
      eventId: terminal.id,
      kind: 'execution-failed',
      resource: null,
      state: /\bthe state '([^']+)'/.exec(cause ?? '')?.[1] ?? openState(),
      type: terminal.type,
    }
  } else if ((status === 'TIMED_OUT' || status === 'ABORTED') && terminal) {
    origin = {
      at: isoTime(terminal.timestamp),
      cause: text(terminalDetails.cause),
      error: text(terminalDetails.error) ?? (status === 'TIMED_OUT' ? 'States.Timeout' : null),
      eventId: terminal.id,
      kind: status === 'TIMED_OUT' ? 'execution-timeout' : 'aborted',
      resource: null,
      state: openState(),
      type: terminal.type,
    }
  }

  const originEvent = origin?.kind === 'task' ? byId.get(origin.eventId) : undefined
  const visit = originEvent ? enteredOf(originEvent) : null
  // Caught: the failing state exited after the failure and another state was entered.
  let handledBy: ExplainResult['handledBy'] = null
  if (originEvent && visit) {
    const exit = events.find(
      (e) => e.id > originEvent.id && e.type.endsWith('StateExited') && text(detailsOf(e).name) === stateName(visit),
    )
    const next = exit ? events.find((e) => e.id > exit.id && e.type.endsWith('StateEntered')) : undefined
    if (next) {
      const fail = failStates.find((f) => f.id >= next.id)
      handledBy = {
        failState: fail ? stateName(fail) : null,
        failStateError: fail ? text(terminalDetails.error) : null,
        next: stateName(next) ?? '',
      }
    }
  }

  const attempts: RetryAttempt[] = []
  if (visit) {
    let previousFailure: null | string = null
    for (const s of schedules.filter((e) => enteredOf(e) === visit)) {
      const failure = failures.find(
        (f) => f.id > s.id && enteredOf(f) === visit && !attempts.some((a) => a.failedAt === isoTime(f.timestamp)),
      )
      const scheduledAt = isoTime(s.timestamp)
      attempts.push({
        attempt: attempts.length + 1,
        error: failure ? failureOf(failure).error : null,
        failedAt: failure ? isoTime(failure.timestamp) : null,
        scheduledAt,
        waitedSeconds: previousFailure === null ? null : (ms(scheduledAt) - ms(previousFailure)) / 1000,
      })
      previousFailure = failure ? isoTime(failure.timestamp) : null
    }
  }

  let configured: null | RetryTimeline = null
  if (definition && origin?.state && attempts.length > 0) {
    try {
      configured = retryTimeline(
        definition,
        origin.state,
        attempts.map((a) => a.error ?? 'States.TaskFailed'),
      )
    } catch {
      configured = null
    }
  }

  const cause = parseCause(origin?.cause ?? null)
  const scheduled = events.find((e) => e.type === 'TaskScheduled' && enteredOf(e) === visit)
  return {
    alsoFailed: final.filter((f) => f.id !== origin?.eventId).map((f) => failureOf(f)),
    cause,
    execution: {
      cause: text(terminalDetails.cause),
      error: text(terminalDetails.error),
      startedAt: started ? isoTime(started.timestamp) : null,
      status,
      stoppedAt: terminal ? isoTime(terminal.timestamp) : null,
    },
    explanation: origin
      ? explainError({
          cause: origin.cause,
          error: origin.error,
          kind: origin.kind,
          parsed: cause,
          timeoutSeconds: scheduled ? (detailsOf(scheduled).timeoutInSeconds as number | undefined) : undefined,
        })
      : null,
    handledBy,
    origin,
    retries: {attempts, configured, summary: retrySummary(attempts, configured)},
  }
}

function retrySummary(attempts: RetryAttempt[], configured: null | RetryTimeline): string {
  if (attempts.length === 0) return 'no task attempts in this state visit'
  const retries = attempts.length - 1
  const waits = attempts.map((a) => a.waitedSeconds).filter((w): w is number => w !== null)
  const actual = `${attempts.length} attempt(s), ${retries} retr${retries === 1 ? 'y' : 'ies'}${waits.length > 0 ? ` after waits of ${waits.map((w) => `${Number(w.toFixed(1))} s`).join(', ')}` : ''}`
  if (!configured)
    return `${actual}; the configured schedule is unknown (give --definition, or the live definition could not be read)`
  const planned = configured.attempts.filter((a) => a.retryNumber !== null).length
  const {outcome} = configured
  const verdict =
    outcome.kind === 'caught' || outcome.kind === 'failed'
      ? configured.attempts.at(-1)?.retrier === null
        ? `no retrier matches ${outcome.error}, so it was not retried`
        : `the matching retrier was used up (${planned} retr${planned === 1 ? 'y' : 'ies'} as configured)`
      : 'the definition would have retried further: the history and the definition disagree (was the definition changed since?)'
  return `${actual}; ${verdict}`
}
