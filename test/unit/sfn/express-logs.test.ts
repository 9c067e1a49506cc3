import {describe, expect, it} from 'vitest'

import {loggedExecutions, logGroupName, machineArnOfExpress} from '../../../src/lib/sfn/express-logs.js'
import {explainHistory} from '../../../src/lib/sfn/history.js'

const EXPRESS = 'arn:aws:states:eu-west-1:123456789012:express:ingest:e1:0f8e'

/** A log event as Step Functions writes it for an Express execution (fields per cw-logs.html). */
const logged = (id: number, previous: number, type: string, details: Record<string, unknown>, arn = EXPRESS) => ({
  details,
  event_timestamp: String(Date.parse('2026-11-21T08:00:00Z') + id * 10),
  execution_arn: arn,
  id: String(id),
  previous_event_id: String(previous),
  type,
})

describe('Express execution log events', () => {
  it('turns FilterLogEvents output back into a history that explainHistory reads', () => {
    const messages = [
      logged(3, 2, 'TaskFailed', {cause: 'x', error: 'Boom', resource: 'invoke', resourceType: 'lambda'}),
      logged(1, 0, 'ExecutionStarted', {}),
      logged(2, 0, 'TaskStateEntered', {name: 'Parse'}),
      logged(4, 3, 'ExecutionFailed', {cause: 'x', error: 'Boom'}),
    ].map((m) => ({message: JSON.stringify(m)}))
    const events = loggedExecutions({events: messages}).get(EXPRESS)!
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4])
    expect(events[2]).toMatchObject({previousEventId: 2, taskFailedEventDetails: {error: 'Boom'}, type: 'TaskFailed'})
    expect(explainHistory(events).origin).toMatchObject({error: 'Boom', state: 'Parse'})
  })

  it('keeps executions apart, accepts parsed messages, and skips lines that are not events', () => {
    const other = 'arn:aws:states:eu-west-1:123456789012:express:ingest:e2:1a2b'
    const map = loggedExecutions([
      logged(1, 0, 'ExecutionStarted', {}),
      logged(1, 0, 'ExecutionStarted', {}, other),
      {message: 'not json'},
      {id: 'x'},
    ])
    expect([...map.keys()].sort()).toEqual([EXPRESS, other].sort())
  })

  it('derives the state machine and the log group name', () => {
    expect(machineArnOfExpress(EXPRESS)).toBe('arn:aws:states:eu-west-1:123456789012:stateMachine:ingest')
    expect(logGroupName('arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/ingest:*')).toBe(
      '/aws/vendedlogs/states/ingest',
    )
    expect(logGroupName('/plain/name')).toBe('/plain/name')
  })
})
