/**
 * Retry arithmetic of the States Language (SPEC "Retrying after error"; SFN-DG
 * concepts-error-handling): which retrier an error matches, and the wait before each retry.
 */
import {isObj, type Json} from './asl.js'

/** A retrier with AWS's defaults filled in; null where the definition holds an unknown value. */
export interface RetrierSettings {
  backoffRate: null | number
  errorEquals: string[]
  intervalSeconds: null | number
  jitter: 'FULL' | 'NONE'
  maxAttempts: null | number
  maxDelaySeconds: null | number | undefined
}

const numberOr = (value: unknown, fallback: number): null | number =>
  value === undefined ? fallback : typeof value === 'number' && Number.isFinite(value) ? value : null

export function retrierSettings(retrier: Json): RetrierSettings {
  return {
    backoffRate: numberOr(retrier.BackoffRate, 2),
    errorEquals: Array.isArray(retrier.ErrorEquals) ? retrier.ErrorEquals.filter((e) => typeof e === 'string') : [],
    intervalSeconds: numberOr(retrier.IntervalSeconds, 1),
    jitter: retrier.JitterStrategy === 'FULL' ? 'FULL' : 'NONE',
    maxAttempts: numberOr(retrier.MaxAttempts, 3),
    maxDelaySeconds: retrier.MaxDelaySeconds === undefined ? undefined : numberOr(retrier.MaxDelaySeconds, 0),
  }
}

export function retriersOf(state: Json): Json[] {
  return Array.isArray(state.Retry) ? state.Retry.filter((r) => isObj(r)) : []
}

export function catchersOf(state: Json): Json[] {
  return Array.isArray(state.Catch) ? state.Catch.filter((c) => isObj(c)) : []
}

/**
 * Does an ErrorEquals list match this error? States.ALL matches everything but States.Runtime
 * (never retried or caught); States.TaskFailed matches any failure of a task except States.Timeout
 * (SPEC Appendix A). States.DataLimitExceeded: the docs call it terminal, but a run recorded on
 * AWS shows Catch [States.ALL] catching it, so pipeops lets States.ALL match it.
 */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  if (error === 'States.Runtime') return false
  return errorEquals.some(
    (name) => name === error || name === 'States.ALL' || (name === 'States.TaskFailed' && error !== 'States.Timeout'),
  )
}

/** The wait before retry `n` (1-based) of a retrier: IntervalSeconds × BackoffRate^(n−1), capped by MaxDelaySeconds. */
export function retryWaitSeconds(settings: RetrierSettings, n: number): null | number {
  const {backoffRate, intervalSeconds, maxDelaySeconds} = settings
  if (intervalSeconds === null || backoffRate === null || maxDelaySeconds === null) return null
  const wait = intervalSeconds * backoffRate ** (n - 1)
  return maxDelaySeconds === undefined ? wait : Math.min(wait, maxDelaySeconds)
}

/** The longest total wait of one retrier used to the end (MaxAttempts retries), or null when unknown. */
export function worstCaseWaitSeconds(settings: RetrierSettings): null | number {
  if (settings.maxAttempts === null) return null
  let total = 0
  for (let n = 1; n <= settings.maxAttempts; n++) {
    const wait = retryWaitSeconds(settings, n)
    if (wait === null) return null
    total += wait
    // Beyond any limit we compare with (a year); no need to add millions of terms.
    if (total > 10 * 31_622_400) return total
  }

  return total
}
