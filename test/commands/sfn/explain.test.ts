import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandInput,
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
const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:orders:run-17'
const HISTORY = path.resolve('test/fixtures/sfn/history-caught.json')
const DEFINITION = path.resolve('test/fixtures/sfn/order-machine.asl.json')

useTestAwsEnv()
beforeEach(() => sfn.reset())

/** GetExecutionHistory served `pageSize` events per page, to exercise pagination. */
function serveHistory(events: HistoryEvent[], pageSize: number): void {
  sfn.on(GetExecutionHistoryCommand).callsFake((input: GetExecutionHistoryCommandInput) => {
    const start = input.nextToken ? Number(input.nextToken) : 0
    const end = start + pageSize
    return {events: events.slice(start, end), ...(end < events.length ? {nextToken: String(end)} : {})}
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
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(Math.ceil(events.length / 4))
    expect(r.origin).toMatchObject({error: 'PaymentDeclined', state: 'Charge card'})
    expect(r.retries.configured!.outcome).toMatchObject({kind: 'caught', next: 'Notify team'})
    expect(r.redrive).toEqual({reason: null, status: 'REDRIVABLE'})
    expectCallsDeclared(SfnExplain.iam, {sfn})
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

  it('says Express executions keep no history (exit 2) and rejects what is not an execution ARN', async () => {
    const express = await runJson(['sfn', 'explain', 'arn:aws:states:eu-west-1:123456789012:express:orders:run-1:abc'])
    expect(express.exitCode).toBe(2)
    expect(errorOf(express).code).toBe('ExpressExecution')
    expect((await runJson(['sfn', 'explain', 'orders'])).exitCode).toBe(2)
    expect(sfn.calls()).toHaveLength(0)
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

describe('iam-policy sfn explain', () => {
  it('lists the Step Functions read actions', async () => {
    const run = await runJson<{policy: {Statement: Array<{Action: string[]}>}}>(['iam-policy', 'sfn', 'explain'])
    expect(resultOf(run).policy.Statement.flatMap((s) => s.Action)).toEqual([
      'states:DescribeExecution',
      'states:DescribeStateMachineForExecution',
      'states:GetExecutionHistory',
    ])
  })
})
