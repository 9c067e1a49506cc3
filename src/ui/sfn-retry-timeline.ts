/** Renderer of `sfn retry-timeline`. */
import type {RetryTimeline} from '../lib/sfn/timeline.js'

import {formatSeconds} from '../lib/sfn/lint-practice.js'
import {paint} from './color.js'
import {renderTable} from './table.js'

const seconds = (n: number): string => formatSeconds(n)

export function renderRetryTimeline(t: RetryTimeline): string {
  const rows = t.attempts.map((a) => {
    const retrier =
      a.retrier === null ? 'none matches' : `#${a.retrier}${a.exhausted ? ' (used up)' : ` retry ${a.retryNumber}`}`
    const wait =
      a.waitRange === null
        ? '—'
        : a.waitSeconds === null
          ? `0 … ${seconds(a.waitRange[1])} (FULL jitter)`
          : seconds(a.waitSeconds)
    const cumulative =
      a.cumulativeRange === null
        ? 'unknown'
        : a.cumulativeRange[0] === a.cumulativeRange[1]
          ? seconds(a.cumulativeRange[1])
          : `${seconds(a.cumulativeRange[0])} … ${seconds(a.cumulativeRange[1])}`
    return [a.attempt, a.error, retrier, wait, cumulative]
  })
  const table = renderTable({
    align: ['right', 'left', 'left', 'right', 'right'],
    head: ['Attempt', 'Fails with', 'Retrier', 'Wait before next', 'Waited so far'],
    rows,
    title: `Retry timeline of "${t.state}" (${t.path})`,
  })
  const o = t.outcome
  const outcome =
    o.kind === 'caught'
      ? `${paint('yellow', 'Caught')} by Catch #${o.catcher} → "${o.next}"; ${
          o.resultPath === null
            ? 'the error output goes to its Output/Assign (JSONata) or is discarded (ResultPath null)'
            : o.resultPath === '$'
              ? 'ResultPath "$" (default): the error output {Error, Cause} replaces the state input'
              : `ResultPath "${o.resultPath}": the error output is added to the state input there`
        }.`
      : o.kind === 'failed'
        ? `${paint('red', 'Fails')}: no catcher matches ${o.error}; the state fails and, unless an enclosing Parallel/Map catches it, so does the execution (error ${o.error}).`
        : o.kind === 'unknown'
          ? `${paint('yellow', 'Unknown')}: the MaxAttempts of the retrier matching ${o.error} is an unresolved template value; supply it to see the rest.`
          : `${paint('green', 'Retries left')}: after these ${t.attempts.length} failure(s) attempt ${t.attempts.length + 1} runs; give more --errors to see what happens next.`
  const notes: string[] = []
  if (!t.errorsGiven)
    notes.push(
      paint(
        'dim',
        `Assumed: every attempt fails with ${t.attempts[0]?.error ?? 'an error'} (give --errors E1,E2,… for another sequence).`,
      ),
    )
  if (t.attemptTimeoutSeconds !== null)
    notes.push(
      paint(
        'dim',
        `Each attempt may also run up to TimeoutSeconds ${seconds(t.attemptTimeoutSeconds)} before it fails with States.Timeout.`,
      ),
    )
  return [table, outcome, ...notes].join('\n')
}
