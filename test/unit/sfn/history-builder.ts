import type {HistoryEvent} from '../../../src/lib/sfn/history.js'

/**
 * Builds execution histories in the shape GetExecutionHistory returns (ids from 1,
 * previousEventId chains, details members named after the event type), written by the team from
 * the API model and the history shapes recorded on AWS.
 */
export class HistoryBuilder {
  readonly events: HistoryEvent[] = []
  private clock: number

  constructor(start = Date.parse('2026-11-20T03:00:00Z')) {
    this.clock = start
  }

  add(type: string, previous: number, details: Record<string, unknown> = {}, afterMs = 100): number {
    this.clock += afterMs
    const key = type.endsWith('StateEntered')
      ? 'stateEnteredEventDetails'
      : type.endsWith('StateExited')
        ? 'stateExitedEventDetails'
        : `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`
    const id = this.events.length + 1
    this.events.push({id, [key]: details, previousEventId: previous, timestamp: new Date(this.clock), type})
    return id
  }

  /** TaskStateEntered, then per attempt TaskScheduled/TaskStarted/(TaskFailed|TaskTimedOut|TaskSucceeded); returns the last event id. */
  task(
    state: string,
    previous: number,
    attempts: Array<{after?: number; cause?: string; error?: string; timedOut?: boolean}>,
    integration?: {resource: string; resourceType: string},
  ): number {
    const resource = integration ?? {resource: 'invoke', resourceType: 'lambda'}
    let prev = this.add('TaskStateEntered', previous, {input: '{}', name: state})
    for (const a of attempts) {
      prev = this.add(
        'TaskScheduled',
        prev,
        {...resource, parameters: '{}', region: 'eu-west-1', timeoutInSeconds: 30},
        a.after ?? 100,
      )
      prev = this.add('TaskStarted', prev, resource)
      if (a.timedOut) prev = this.add('TaskTimedOut', prev, {...resource, error: 'States.Timeout'}, 30_000)
      else if (a.error) prev = this.add('TaskFailed', prev, {...resource, cause: a.cause ?? '', error: a.error})
      else prev = this.add('TaskSucceeded', prev, {...resource, output: '{}'})
    }

    return prev
  }
}
