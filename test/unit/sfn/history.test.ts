import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {explainHistory, historyEvents, parseCause} from '../../../src/lib/sfn/history.js'
import {HistoryBuilder} from './history-builder.js'

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/sfn/${name}`, import.meta.url), 'utf8'))

describe('explainHistory', () => {
  it('blames the task that failed, not the Catch handler or the Fail state (Lambda failure then Catch)', () => {
    const events = historyEvents(fixture('history-caught.json'))!
    const definition = fixture('order-machine.asl.json') as Record<string, unknown>
    const r = explainHistory(events, definition)
    expect(r.origin).toMatchObject({
      error: 'PaymentDeclined',
      kind: 'task',
      resource: 'lambda:invoke',
      state: 'Charge card',
      type: 'TaskFailed',
    })
    expect(r.cause).toMatchObject({
      errorMessage: 'card ending 4242 was declined: insufficient funds',
      errorType: 'PaymentDeclined',
    })
    expect(r.cause!.trace[1]).toContain('index.js:42')
    expect(r.handledBy).toEqual({failState: 'Order failed', failStateError: 'OrderFailed', next: 'Notify team'})
    expect(r.execution).toMatchObject({error: 'OrderFailed', status: 'FAILED'})
    expect(r.retries.attempts.map((a) => a.waitedSeconds)).toEqual([null, 10, 15])
    expect(r.retries.configured!.attempts.map((a) => a.waitSeconds)).toEqual([10, 15, null])
    expect(r.retries.summary).toContain('the matching retrier was used up (2 retries as configured)')
  })

  it('explains retries exhausted and uncaught, with the transient Lambda error advice', () => {
    const h = new HistoryBuilder()
    const start = h.add('ExecutionStarted', 0)
    const last = h.task('Resize', start, [
      {error: 'Lambda.ServiceException'},
      {after: 2000, error: 'Lambda.ServiceException'},
      {after: 4000, error: 'Lambda.ServiceException'},
    ])
    h.add('ExecutionFailed', last, {cause: 'Lambda is unavailable', error: 'Lambda.ServiceException'})
    const definition = {
      StartAt: 'Resize',
      States: {
        Resize: {
          End: true,
          Resource: 'arn:aws:states:::lambda:invoke',
          Retry: [{ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 2, MaxAttempts: 2}],
          Type: 'Task',
        },
      },
    }
    const r = explainHistory(h.events, definition)
    expect(r.origin).toMatchObject({error: 'Lambda.ServiceException', state: 'Resize'})
    expect(r.handledBy).toBeNull()
    expect(r.retries.attempts.map((a) => Math.round(a.waitedSeconds ?? -1))).toEqual([-1, 2, 4])
    expect(r.explanation!.summary).toContain('transient error of the Lambda service')
  })

  it("explains States.Timeout with the task's timeout from TaskScheduled", () => {
    const h = new HistoryBuilder()
    const last = h.task('Export', h.add('ExecutionStarted', 0), [{timedOut: true}], {
      resource: 'startJobRun.sync',
      resourceType: 'glue',
    })
    h.add('ExecutionFailed', last, {cause: '', error: 'States.Timeout'})
    const r = explainHistory(h.events)
    expect(r.origin).toMatchObject({
      error: 'States.Timeout',
      resource: 'glue:startJobRun.sync',
      state: 'Export',
      type: 'TaskTimedOut',
    })
    expect(r.explanation!.summary).toBe('The task ran longer than its TimeoutSeconds (30 s).')
    expect(r.retries.summary).toContain('configured schedule is unknown')
  })

  it('names the missing IAM action of States.Permissions and gives a minimal statement', () => {
    const h = new HistoryBuilder()
    const cause =
      'User: arn:aws:sts::123456789012:assumed-role/orders-sfn/abc is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:eu-west-1:123456789012:function:charge-card because no identity-based policy allows the lambda:InvokeFunction action'
    const last = h.task('Charge', h.add('ExecutionStarted', 0), [{cause, error: 'States.Permissions'}])
    h.add('ExecutionFailed', last, {cause, error: 'States.Permissions'})
    const r = explainHistory(h.events)
    expect(r.explanation!.missingPermission).toEqual({
      action: 'lambda:InvokeFunction',
      resource: 'arn:aws:lambda:eu-west-1:123456789012:function:charge-card',
      statement: {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: 'arn:aws:lambda:eu-west-1:123456789012:function:charge-card',
      },
    })
  })

  it('ties a failure inside a Parallel branch to its state although branches interleave', () => {
    const h = new HistoryBuilder()
    const start = h.add('ExecutionStarted', 0)
    const parallel = h.add('ParallelStateEntered', start, {name: 'Fan out'})
    const started = h.add('ParallelStateStarted', parallel)
    const a = h.add('TaskStateEntered', started, {name: 'Branch A'})
    const b = h.add('TaskStateEntered', started, {name: 'Branch B'})
    const aScheduled = h.add('TaskScheduled', a, {resource: 'invoke', resourceType: 'lambda'})
    h.add('TaskScheduled', b, {resource: 'invoke', resourceType: 'lambda'})
    const aFailed = h.add('TaskFailed', aScheduled, {
      cause: String.raw`{"errorType":"KeyError","errorMessage":"'id'","requestId":"7d1e","stackTrace":["  File \"/var/task/app.py\", line 9"]}`,
      error: 'KeyError',
      resource: 'invoke',
      resourceType: 'lambda',
    })
    const failed = h.add('ParallelStateFailed', aFailed, {cause: 'x', error: 'KeyError'})
    h.add('ExecutionFailed', failed, {cause: 'x', error: 'KeyError'})
    const r = explainHistory(h.events)
    expect(r.origin!.state).toBe('Branch A')
    expect(r.cause).toEqual({
      errorMessage: "'id'",
      errorType: 'KeyError',
      requestId: '7d1e',
      trace: ['  File "/var/task/app.py", line 9'],
    })
  })

  it('points at the Fail state itself when no task failed, and at the running state on an execution timeout', () => {
    const h = new HistoryBuilder()
    const choice = h.add('ChoiceStateEntered', h.add('ExecutionStarted', 0), {name: 'Route'})
    const exited = h.add('ChoiceStateExited', choice, {name: 'Route'})
    const fail = h.add('FailStateEntered', exited, {name: 'Unknown type'})
    h.add('ExecutionFailed', fail, {cause: 'type X', error: 'UnsupportedType'})
    expect(explainHistory(h.events).origin).toMatchObject({
      error: 'UnsupportedType',
      kind: 'fail-state',
      state: 'Unknown type',
    })

    const t = new HistoryBuilder()
    const entered = t.add('TaskStateEntered', t.add('ExecutionStarted', 0), {name: 'Wait for approval'})
    t.add('ExecutionTimedOut', entered, {}, 3_600_000)
    expect(explainHistory(t.events).origin).toMatchObject({
      error: 'States.Timeout',
      kind: 'execution-timeout',
      state: 'Wait for approval',
    })
  })

  it('never calls a FAILED execution healthy: a States.Runtime failure outside a task, and a log holding only ExecutionFailed', () => {
    const h = new HistoryBuilder()
    const wait = h.add('WaitStateEntered', h.add('ExecutionStarted', 0), {name: 'Hold'})
    h.add('ExecutionFailed', wait, {
      cause:
        "An error occurred while executing the state 'Hold' (entered at the event id #2). The SecondsPath parameter does not reference an input value: $.delay",
      error: 'States.Runtime',
    })
    expect(explainHistory(h.events).origin).toMatchObject({
      error: 'States.Runtime',
      kind: 'execution-failed',
      state: 'Hold',
    })

    // An Express execution logged at level ERROR: nothing but the execution's own failure.
    const only = new HistoryBuilder()
    only.add('ExecutionFailed', 0, {cause: 'boom', error: 'Custom.Failure'})
    const r = explainHistory(only.events)
    expect(r.execution.status).toBe('FAILED')
    expect(r.origin).toMatchObject({error: 'Custom.Failure', kind: 'execution-failed', state: null})
  })

  it('reads AWS CLI timestamps in epoch seconds and leaves non-Lambda causes unparsed', () => {
    const events = historyEvents({events: [{id: 1, timestamp: 1_763_607_600.5, type: 'ExecutionStarted'}]})!
    expect(explainHistory(events).execution.startedAt).toBe('2025-11-20T03:00:00.500Z')
    expect(parseCause('Access denied')).toBeNull()
    expect(historyEvents({foo: 1})).toBeUndefined()
  })
})
