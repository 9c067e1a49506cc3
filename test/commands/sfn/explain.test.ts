import {CloudWatchLogsClient, FilterLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {GetFunctionConfigurationCommand, LambdaClient} from '@aws-sdk/client-lambda'
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandInput,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn'
import {mockClient} from 'aws-sdk-client-mock'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'

import type {ExplainReport} from '../../../src/lib/sfn/explain.js'
import type {HistoryEvent} from '../../../src/lib/sfn/history.js'

import SfnExplain from '../../../src/commands/sfn/explain.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'
import {HistoryBuilder} from '../../unit/sfn/history-builder.js'

const sfn = mockClient(SFNClient)
const logs = mockClient(CloudWatchLogsClient)
const lambda = mockClient(LambdaClient)
const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:orders:run-17'
const HISTORY = path.resolve('test/fixtures/sfn/history-caught.json')
const DEFINITION = path.resolve('test/fixtures/sfn/order-machine.asl.json')

useTestAwsEnv()
beforeEach(() => {
  sfn.reset()
  logs.reset()
  lambda.reset()
})

/** GetExecutionHistory served `pageSize` events per page (newest first with reverseOrder), to exercise pagination. */
function serveHistory(events: HistoryEvent[], pageSize: number): void {
  sfn.on(GetExecutionHistoryCommand).callsFake((input: GetExecutionHistoryCommandInput) => {
    const ordered = input.reverseOrder ? [...events].reverse() : events
    const start = input.nextToken ? Number(input.nextToken) : 0
    const end = start + pageSize
    return {events: ordered.slice(start, end), ...(end < ordered.length ? {nextToken: String(end)} : {})}
  })
}

describe('sfn explain --history (offline)', () => {
  it('finds the Lambda failure behind the Catch and the Fail state, with retries against the schedule (exit 1)', async () => {
    const run = await runJson<ExplainReport>(['sfn', 'explain', '--history', HISTORY, '--definition', DEFINITION])
    expect(run.exitCode).toBe(1)
    const r = resultOf(run)
    expect(r.origin).toMatchObject({error: 'PaymentDeclined', state: 'Charge card'})
    expect(r.handledBy).toMatchObject({failState: 'Order failed', next: 'Notify team'})
    expect(r.retries.attempts.map((a) => a.waitedSeconds)).toEqual([null, 10, 15])
    const text = await runText(['sfn', 'explain', '--history', HISTORY])
    expect(text.stdout).toContain('Failure started in "Charge card"')
    expect(text.stdout).toContain('Caught: went on to "Notify team", which ended in the Fail state "Order failed"')
  })

  it('is exit 6 for a file that is not a history and exit 2 without an input', async () => {
    expect((await runJson(['sfn', 'explain', '--history', DEFINITION])).exitCode).toBe(6)
    expect((await runJson(['sfn', 'explain'])).exitCode).toBe(2)
  })
})

describe('sfn explain EXECUTION_ARN (live)', () => {
  it('reads every history page and the definition, and declares every call in its IAM', async () => {
    const {events} = JSON.parse(readFileSync(HISTORY, 'utf8')) as {events: HistoryEvent[]}
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: ARN,
      redriveStatus: 'REDRIVABLE',
      startDate: new Date('2026-11-20T03:00:00Z'),
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:orders',
      status: 'FAILED',
    })
    sfn.on(DescribeStateMachineForExecutionCommand).resolves({definition: readFileSync(DEFINITION, 'utf8')} as never)
    serveHistory(events, 4)
    const run = await runJson<ExplainReport>(['sfn', 'explain', ARN])
    const r = resultOf(run)
    // Newest first, and only back to the failing state's visit: not every page.
    const calls = sfn.commandCalls(GetExecutionHistoryCommand)
    expect(calls.every((c) => c.args[0].input.reverseOrder === true)).toBe(true)
    expect(calls.length).toBeLessThan(Math.ceil(events.length / 4))
    expect(r.notes.join(' ')).toContain('The history was read newest first')
    expect(r.origin).toMatchObject({error: 'PaymentDeclined', state: 'Charge card'})
    expect(r.retries.configured!.outcome).toMatchObject({kind: 'caught', next: 'Notify team'})
    expect(r.redrive).toEqual({reason: null, status: 'REDRIVABLE'})
    expectCallsDeclared(SfnExplain.iam, {sfn})
  })

  it('reads back to the start when the newest pages cannot tell (a Fail state whose task failure is older)', async () => {
    const h = new HistoryBuilder()
    // A task fails and is caught early; then 30 Pass states; then the Fail state.
    let prev = h.task('Load', h.add('ExecutionStarted', 0), [{cause: 'disk full', error: 'LoadFailed'}])
    prev = h.add('TaskStateExited', prev, {name: 'Load', output: '{}'})
    for (let i = 0; i < 30; i++) {
      prev = h.add('PassStateEntered', prev, {name: `Step ${i}`})
      prev = h.add('PassStateExited', prev, {name: `Step ${i}`})
    }

    prev = h.add('FailStateEntered', prev, {name: 'Give up'})
    h.add('ExecutionFailed', prev, {error: 'Failed'})
    sfn.on(DescribeExecutionCommand).resolves({status: 'FAILED'} as never)
    sfn.on(DescribeStateMachineForExecutionCommand).resolves({} as never)
    serveHistory(h.events, 10)
    const r = resultOf(await runJson<ExplainReport>(['sfn', 'explain', ARN]))
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(Math.ceil(h.events.length / 10))
    expect(r.origin).toMatchObject({error: 'LoadFailed', kind: 'task', state: 'Load'})
    expect(r.execution.startedAt).not.toBeNull()
    expect(r.notes.join(' ')).not.toContain('newest first')
  })

  it('explains retries exhausted and a States.Timeout; an unreadable definition leaves the schedule unknown', async () => {
    const h = new HistoryBuilder()
    const last = h.task('Export', h.add('ExecutionStarted', 0), [{timedOut: true}, {after: 1000, timedOut: true}])
    h.add('ExecutionFailed', last, {cause: '', error: 'States.Timeout'})
    sfn.on(DescribeExecutionCommand).resolves({status: 'FAILED'} as never)
    sfn
      .on(DescribeStateMachineForExecutionCommand)
      .rejects(Object.assign(new Error('not allowed'), {name: 'AccessDeniedException'}))
    serveHistory(h.events, 1000)
    const r = resultOf(await runJson<ExplainReport>(['sfn', 'explain', ARN]))
    expect(r.origin).toMatchObject({error: 'States.Timeout', state: 'Export', type: 'TaskTimedOut'})
    expect(r.retries.attempts).toHaveLength(2)
    expect(r.notes[0]).toContain('The definition could not be read (AccessDeniedException')
  })

  it('reads an Express execution from its log group, and says when logging is off (exit 2)', async () => {
    const express = 'arn:aws:states:eu-west-1:123456789012:express:orders:run-1:abc'
    sfn.on(DescribeStateMachineCommand).resolvesOnce({loggingConfiguration: {level: 'OFF'}, name: 'orders'} as never)
    const off = await runJson(['sfn', 'explain', express])
    expect(off.exitCode).toBe(2)
    expect(errorOf(off).code).toBe('ExpressExecution')
    expect(errorOf(off).message).toContain('does not log to CloudWatch Logs')

    sfn.on(DescribeStateMachineCommand).resolves({
      definition:
        '{"StartAt":"Charge","States":{"Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}',
      loggingConfiguration: {
        destinations: [
          {
            cloudWatchLogsLogGroup: {
              logGroupArn: 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/orders:*',
            },
          },
        ],
        includeExecutionData: true,
        level: 'ALL',
      },
      name: 'orders',
    } as never)
    const logged = (id: number, previous: number, type: string, details: Record<string, unknown>) => ({
      logStreamName: 'states/orders/2026-11-20/abc',
      message: JSON.stringify({
        details,
        event_timestamp: String(Date.parse('2026-11-20T03:00:00Z') + id * 100),
        execution_arn: express,
        id: String(id),
        previous_event_id: String(previous),
        type,
      }),
    })
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        logged(1, 0, 'ExecutionStarted', {}),
        logged(2, 0, 'TaskStateEntered', {name: 'Charge'}),
        logged(3, 2, 'TaskScheduled', {
          parameters: '{"FunctionName":"charge"}',
          resource: 'invoke',
          resourceType: 'lambda',
        }),
        logged(4, 3, 'TaskFailed', {
          cause: '{"errorType":"CardDeclined","errorMessage":"declined"}',
          error: 'CardDeclined',
          resource: 'invoke',
          resourceType: 'lambda',
        }),
        logged(5, 4, 'ExecutionFailed', {cause: 'declined', error: 'CardDeclined'}),
      ],
    })
    const r = resultOf(await runJson<ExplainReport>(['sfn', 'explain', express, '--no-follow']))
    expect(r.origin).toMatchObject({error: 'CardDeclined', state: 'Charge'})
    expect(r.cause?.errorMessage).toBe('declined')
    expect(logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input).toMatchObject({
      filterPattern: `{ $.execution_arn = "${express}" }`,
      logGroupName: '/aws/vendedlogs/states/orders',
    })
  })

  it('rejects what is not an execution ARN before any call', async () => {
    expect((await runJson(['sfn', 'explain', 'orders'])).exitCode).toBe(2)
    expect(sfn.calls()).toHaveLength(0)
  })

  it('follows a failed Lambda task into its log lines (by request id) and its log group setting', async () => {
    const h = new HistoryBuilder()
    const entered = h.add('TaskStateEntered', h.add('ExecutionStarted', 0), {name: 'Charge'})
    const scheduled = h.add('TaskScheduled', entered, {
      parameters: JSON.stringify({
        FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:charge:live',
        Payload: {},
      }),
      resource: 'invoke',
      resourceType: 'lambda',
    })
    const failed = h.add('TaskFailed', h.add('TaskStarted', scheduled, {resource: 'invoke', resourceType: 'lambda'}), {
      cause: JSON.stringify({errorMessage: 'boom', errorType: 'KeyError', requestId: 'req-42', stackTrace: []}),
      error: 'KeyError',
      resource: 'invoke',
      resourceType: 'lambda',
    })
    h.add('ExecutionFailed', failed, {cause: 'boom', error: 'KeyError'})
    sfn.on(DescribeExecutionCommand).resolves({status: 'FAILED'} as never)
    sfn.on(DescribeStateMachineForExecutionCommand).resolves({} as never)
    serveHistory(h.events, 1000)
    lambda.on(GetFunctionConfigurationCommand).resolves({LoggingConfig: {LogGroup: '/custom/charge'}} as never)
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        {logStreamName: '2026/11/20/[live]abc', message: 'START RequestId: req-42 Version: 7\n', timestamp: 1},
        {logStreamName: '2026/11/20/[live]abc', message: '[ERROR] KeyError: card\n', timestamp: 2},
      ],
    })
    const r = resultOf(await runJson<ExplainReport>(['sfn', 'explain', ARN]))
    expect(r.taskRun).toMatchObject({
      functionName: expect.stringContaining('charge:live'),
      kind: 'lambda',
      logGroup: '/custom/charge',
      requestId: 'req-42',
    })
    const run = r.taskRun as {logLines: Array<{message: string}>}
    expect(run.logLines.map((l) => l.message)).toEqual(['START RequestId: req-42 Version: 7', '[ERROR] KeyError: card'])
    expect(logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input).toMatchObject({
      filterPattern: '"req-42"',
      logGroupName: '/custom/charge',
    })
    expectCallsDeclared(SfnExplain.iam, {lambda, logs, sfn})
    const text = await runText(['sfn', 'explain', ARN])
    expect(text.stdout).toContain(
      'Lambda function arn:aws:lambda:eu-west-1:123456789012:function:charge:live, request req-42',
    )
    expect(text.stdout).toContain('[ERROR] KeyError: card')
  })

  it('follows a failed nested execution into its own failure', async () => {
    const child = 'arn:aws:states:eu-west-1:123456789012:execution:load:child-1'
    const parent = new HistoryBuilder()
    const last = parent.task(
      'Run loader',
      parent.add('ExecutionStarted', 0),
      [
        {
          cause: JSON.stringify({Error: 'LoadFailed', ExecutionArn: child, Status: 'FAILED'}),
          error: 'States.TaskFailed',
        },
      ],
      {resource: 'startExecution.sync:2', resourceType: 'states'},
    )
    parent.add('ExecutionFailed', last, {error: 'States.TaskFailed'})
    const inner = new HistoryBuilder()
    const innerLast = inner.task(
      'Copy',
      inner.add('ExecutionStarted', 0),
      [{cause: 'disk full', error: 'LoadFailed'}],
      {resource: 'startJobRun.sync', resourceType: 'glue'},
    )
    inner.add('ExecutionFailed', innerLast, {error: 'LoadFailed'})
    sfn.on(DescribeExecutionCommand).resolves({status: 'FAILED'} as never)
    sfn.on(DescribeStateMachineForExecutionCommand).resolves({} as never)
    sfn.on(GetExecutionHistoryCommand, {executionArn: ARN}).resolves({events: parent.events as never})
    sfn.on(GetExecutionHistoryCommand, {executionArn: child}).resolves({events: inner.events as never})
    const r = resultOf(await runJson<ExplainReport>(['sfn', 'explain', ARN]))
    expect(r.taskRun).toMatchObject({executionArn: child, kind: 'execution', status: 'FAILED'})
    const nested = (r.taskRun as {child: ExplainReport}).child
    expect(nested.origin).toMatchObject({error: 'LoadFailed', state: 'Copy'})
  })

  it('maps a missing execution to exit 4', async () => {
    sfn.on(DescribeExecutionCommand).rejects(
      Object.assign(new Error('Execution Does Not Exist'), {
        $fault: 'client',
        $metadata: {httpStatusCode: 400},
        name: 'ExecutionDoesNotExist',
      }),
    )
    expect((await runJson(['sfn', 'explain', ARN])).exitCode).toBe(4)
  })
})

describe('sfn explain --state-machine (many executions)', () => {
  it('prints the groups largest first with one example each; --since alone is an unused flag (exit 2)', async () => {
    const machine = 'arn:aws:states:eu-west-1:123456789012:stateMachine:orders'
    sfn.on(DescribeStateMachineCommand).resolves({stateMachineArn: machine, type: 'STANDARD'} as never)
    const stop = new Date(Date.now() - 3_600_000)
    sfn.on(ListExecutionsCommand).callsFake((input: {statusFilter?: string}) => ({
      executions:
        input.statusFilter === 'FAILED'
          ? [
              {
                executionArn: ARN,
                name: 'run-17',
                startDate: stop,
                stateMachineArn: machine,
                status: 'FAILED',
                stopDate: stop,
              },
            ]
          : [],
    }))
    const {events} = JSON.parse(readFileSync(HISTORY, 'utf8')) as {events: HistoryEvent[]}
    sfn.on(DescribeExecutionCommand).resolves({redriveStatus: 'REDRIVABLE', status: 'FAILED'} as never)
    sfn.on(DescribeStateMachineForExecutionCommand).resolves({} as never)
    serveHistory(events, 1000)
    const text = await runText([
      'sfn',
      'explain',
      '--state-machine',
      machine,
      '--status',
      'FAILED',
      '--since',
      '24h',
      '--no-follow',
    ])
    expect(text.exitCode).toBe(1)
    expect(text.stdout).toContain('Failures by where they started')
    expect(text.stdout).toContain('1 × "Charge card" PaymentDeclined')
    const json = resultOf(
      await runJson<{groups: Array<{count: number; state: string}>}>([
        'sfn',
        'explain',
        '--state-machine',
        machine,
        '--no-follow',
      ]),
    )
    expect(json.groups).toMatchObject([{count: 1, state: 'Charge card'}])
    const unused = await runJson(['sfn', 'explain', ARN, '--since', '24h'])
    expect(unused.exitCode).toBe(2)
    expect(errorOf(unused).code).toBe('UnusedFlag')
  })
})

describe('iam-policy sfn explain', () => {
  it('lists the Step Functions read actions', async () => {
    const run = await runJson<{policy: {Statement: Array<{Action: string[]}>}}>(['iam-policy', 'sfn', 'explain'])
    expect(resultOf(run).policy.Statement.flatMap((s) => s.Action)).toEqual(
      expect.arrayContaining([
        'states:DescribeExecution',
        'states:DescribeStateMachineForExecution',
        'states:GetExecutionHistory',
        'logs:FilterLogEvents',
        'glue:GetJobRun',
      ]),
    )
  })
})
