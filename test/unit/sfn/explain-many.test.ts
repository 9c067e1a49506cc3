import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import type {HistoryEvent} from '../../../src/lib/sfn/history.js'

import {testRunContext} from '../../../src/lib/core/run-context.js'
import {causeFingerprint, explainExecutions} from '../../../src/lib/sfn/explain-many.js'
import {explainExecution} from '../../../src/lib/sfn/explain.js'
import {HistoryBuilder} from './history-builder.js'

const sfn = mockClient(SFNClient)
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:orders'
const exec = (n: number): string => `arn:aws:states:eu-west-1:123456789012:execution:orders:run-${n}`
const NOW = new Date('2026-11-21T12:00:00Z')

beforeEach(() => sfn.reset())

/** A history whose failure starts in `state` with `error` and `cause`. */
function failedIn(state: string, error: string, cause: string): HistoryEvent[] {
  const h = new HistoryBuilder()
  const last = h.task(state, h.add('ExecutionStarted', 0), [{cause, error}])
  h.add('ExecutionFailed', last, {cause, error})
  return h.events
}

describe('causeFingerprint', () => {
  it('masks ids, ARNs, numbers and long quoted values, so one failure has one fingerprint', () => {
    const a = causeFingerprint(
      'Timeout after 30012 ms calling arn:aws:lambda:eu-west-1:1:function:f for order 7f9c2a6e-0c1b-4b8e-9b7a-1234567890ab',
    )
    const b = causeFingerprint(
      'Timeout after 29877 ms calling arn:aws:lambda:eu-west-1:1:function:g for order 00000000-0c1b-4b8e-9b7a-1234567890ab',
    )
    expect(a).toBe(b)
    expect(a).toBe('Timeout after <n> ms calling <arn> for order <id>')
    expect(causeFingerprint('NoSuchKey: "short"')).not.toBe(causeFingerprint('AccessDenied: "short"'))
    expect(causeFingerprint(null)).toBeNull()
  })
})

describe('explainExecutions: many stopped executions grouped', () => {
  it('groups by failing state, error and cause, counts redrivable ones, and follows one example per group', async () => {
    sfn
      .on(ListStateMachinesCommand)
      .resolves({stateMachines: [{creationDate: NOW, name: 'orders', stateMachineArn: MACHINE, type: 'STANDARD'}]})
    sfn.on(DescribeStateMachineCommand).resolves({stateMachineArn: MACHINE, type: 'STANDARD'} as never)
    const listed = [1, 2, 3, 4].map((n) => ({
      executionArn: exec(n),
      name: `run-${n}`,
      startDate: new Date(NOW.getTime() - n * 3_600_000 - 60_000),
      stateMachineArn: MACHINE,
      status: 'FAILED' as const,
      stopDate: new Date(NOW.getTime() - n * 3_600_000),
    }))
    sfn.on(ListExecutionsCommand).resolves({executions: listed})
    const histories: Record<string, HistoryEvent[]> = {
      [exec(1)]: failedIn('Charge', 'Lambda.TooManyRequestsException', 'Rate exceeded for request 11'),
      [exec(2)]: failedIn('Charge', 'Lambda.TooManyRequestsException', 'Rate exceeded for request 12'),
      [exec(3)]: failedIn('Load', 'States.TaskFailed', 'COPY failed'),
    }
    for (const [arn, events] of Object.entries(histories))
      sfn.on(GetExecutionHistoryCommand, {executionArn: arn}).resolves({events: events as never})
    sfn
      .on(GetExecutionHistoryCommand, {executionArn: exec(4)})
      .rejects(Object.assign(new Error('Rate exceeded'), {name: 'ThrottlingException'}))
    sfn.on(DescribeExecutionCommand).callsFake((input: {executionArn: string}) => ({
      redriveStatus: input.executionArn === exec(3) ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
      status: 'FAILED',
    }))
    sfn.on(DescribeStateMachineForExecutionCommand).resolves({} as never)

    const r = await explainExecutions(
      {sfn: sfn as unknown as SFNClient},
      {
        concurrency: 2,
        maxExecutions: 10,
        since: new Date(NOW.getTime() - 24 * 3_600_000),
        stateMachine: 'orders',
        statuses: ['FAILED'],
      },
      testRunContext({now: () => NOW}),
    )
    expect(r.examined).toBe(4)
    expect(r.groups.map((g) => [g.state, g.error, g.count])).toEqual([
      ['Charge', 'Lambda.TooManyRequestsException', 2],
      ['Load', 'States.TaskFailed', 1],
    ])
    expect(r.groups[0]).toMatchObject({executionArns: [exec(1), exec(2)], redrivable: {no: 0, unknown: 0, yes: 2}})
    expect(r.groups[0]!.example.executionArn).toBe(exec(1))
    expect(r.groups[1]!.redrivable).toEqual({no: 1, unknown: 0, yes: 0})
    expect(r.unreadable).toEqual([{executionArn: exec(4), reason: 'ThrottlingException: Rate exceeded'}])
  })

  it('refuses an Express state machine (its executions are not listed)', async () => {
    sfn.on(DescribeStateMachineCommand).resolves({stateMachineArn: MACHINE, type: 'EXPRESS'} as never)
    await expect(
      explainExecutions(
        {sfn: sfn as unknown as SFNClient},
        {concurrency: 1, maxExecutions: 1, since: NOW, stateMachine: MACHINE, statuses: ['FAILED']},
        testRunContext(),
      ),
    ).rejects.toMatchObject({code: 'ExpressExecution'})
  })
})

describe('explainExecution following a distributed Map run', () => {
  it('reads the map run counts and explains one failed child', async () => {
    const h = new HistoryBuilder()
    const entered = h.add('MapStateEntered', h.add('ExecutionStarted', 0), {name: 'Each file'})
    const started = h.add('MapRunStarted', entered, {
      mapRunArn: 'arn:aws:states:eu-west-1:123456789012:mapRun:orders/each:abc',
    })
    const failed = h.add('MapRunFailed', started, {
      cause: 'The specified tolerated failure threshold was exceeded',
      error: 'States.ExceedToleratedFailureThreshold',
    })
    h.add('ExecutionFailed', failed, {error: 'States.ExceedToleratedFailureThreshold'})
    const child = 'arn:aws:states:eu-west-1:123456789012:execution:orders/each:abc:child-9'
    sfn.on(DescribeExecutionCommand).resolves({status: 'FAILED'} as never)
    sfn.on(DescribeStateMachineForExecutionCommand).resolves({} as never)
    sfn.on(GetExecutionHistoryCommand, {executionArn: exec(1)}).resolves({events: h.events as never})
    sfn
      .on(GetExecutionHistoryCommand, {executionArn: child})
      .resolves({events: failedIn('Parse', 'ParseError', 'bad row 17') as never})
    sfn.on(DescribeMapRunCommand).resolves({
      executionCounts: {
        aborted: 0,
        failed: 3,
        pending: 0,
        resultsWritten: 0,
        running: 0,
        succeeded: 97,
        timedOut: 0,
        total: 100,
      },
    } as never)
    sfn.on(ListExecutionsCommand).resolves({
      executions: [{executionArn: child, name: 'child-9', startDate: NOW, stateMachineArn: MACHINE, status: 'FAILED'}],
    })
    const r = await explainExecution(
      {sfn: sfn as unknown as SFNClient},
      {executionArn: exec(1), follow: true},
      testRunContext(),
    )
    expect(r.taskRun).toMatchObject({
      counts: {failed: 3, succeeded: 97, total: 100},
      failedExecutions: [child],
      kind: 'map-run',
    })
    expect((r.taskRun as {child: {origin: unknown}}).child.origin).toMatchObject({error: 'ParseError', state: 'Parse'})
    expect(sfn.commandCalls(ListExecutionsCommand)[0]!.args[0].input).toMatchObject({statusFilter: 'FAILED'})
  })
})
