import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandInput,
  DescribeStateMachineCommand,
  ListExecutionsCommand,
  type ListExecutionsCommandInput,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  type RedriveExecutionCommandInput,
  SFNClient,
} from '@aws-sdk/client-sfn'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'

import type {SfnRedriveResult} from '../../../src/commands/sfn/redrive.js'

import SfnRedrive from '../../../src/commands/sfn/redrive.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson} from '../../helpers/run.js'

const sfn = mockClient(SFNClient)
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:orders'
const HOUR = 3_600_000

interface FakeExecution {
  cause?: string
  error?: string
  name: string
  redriveCount: number
  redriveStatus?: string
  redriveStatusReason?: string
  startDate: Date
  status: string
  stopDate?: Date
}

/** An in-memory Step Functions: the executions of one state machine. */
let world: Map<string, FakeExecution>
let machineType: string
let failRedriveOf: string | undefined
const tokens: string[] = []

const arnOf = (name: string) => `arn:aws:states:eu-west-1:123456789012:execution:orders:${name}`

function execution(name: string, hoursAgo: number, extra: Partial<FakeExecution> = {}): FakeExecution {
  return {
    cause: 'Rate exceeded',
    error: 'Lambda.TooManyRequestsException',
    name,
    redriveCount: 0,
    redriveStatus: 'REDRIVABLE',
    startDate: new Date(Date.now() - (hoursAgo + 1) * HOUR),
    status: 'FAILED',
    stopDate: new Date(Date.now() - hoursAgo * HOUR),
    ...extra,
  }
}

useTestAwsEnv()
beforeEach(() => {
  sfn.reset()
  tokens.length = 0
  failRedriveOf = undefined
  machineType = 'STANDARD'
  world = new Map(
    [
      execution('throttled-1', 1),
      execution('throttled-2', 2),
      execution('bad-input', 3, {cause: 'KeyError: order_id', error: 'States.TaskFailed'}),
      execution('timed-out', 4, {error: 'States.Timeout', status: 'TIMED_OUT'}),
      execution('too-big', 5, {
        redriveStatus: 'NOT_REDRIVABLE',
        redriveStatusReason: 'Execution history event limit exceeded',
      }),
      execution('last-week', 24 * 7),
      execution('fine', 1, {status: 'SUCCEEDED'}),
    ].map((e) => [arnOf(e.name), e]),
  )
  sfn.on(ListStateMachinesCommand).resolves({stateMachines: [{name: 'orders', stateMachineArn: MACHINE} as never]})
  sfn.on(DescribeStateMachineCommand).callsFake(() => ({stateMachineArn: MACHINE, type: machineType}))
  sfn.on(ListExecutionsCommand).callsFake((input: ListExecutionsCommandInput) => {
    const all = [...world.values()]
      .filter((e) => e.status === input.statusFilter)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
    const start = input.nextToken ? Number(input.nextToken) : 0
    const page = all.slice(start, start + 2)
    return {
      executions: page.map((e) => ({
        executionArn: arnOf(e.name),
        name: e.name,
        redriveCount: e.redriveCount,
        startDate: e.startDate,
        status: e.status,
        stopDate: e.stopDate,
      })),
      ...(start + 2 < all.length ? {nextToken: String(start + 2)} : {}),
    }
  })
  sfn.on(DescribeExecutionCommand).callsFake((input: DescribeExecutionCommandInput) => {
    const e = world.get(input.executionArn!)!
    return {...e, executionArn: input.executionArn}
  })
  sfn.on(RedriveExecutionCommand).callsFake((input: RedriveExecutionCommandInput) => {
    const e = world.get(input.executionArn!)!
    if (e.name === failRedriveOf)
      throw Object.assign(new Error('Too many executions running'), {
        $metadata: {httpStatusCode: 400},
        name: 'ExecutionLimitExceeded',
      })
    tokens.push(input.clientToken!)
    e.redriveCount++
    e.status = 'RUNNING'
    return {redriveDate: new Date()}
  })
})

const names = (r: SfnRedriveResult) => r.plan.steps.map((s) => s.params.name)

describe('sfn redrive', () => {
  it('plans the redrivable executions of the window, lists the rest with the reason, changes nothing', async () => {
    const run = await runJson<SfnRedriveResult>(['sfn', 'redrive', '--state-machine', 'orders', '--since', '24h'])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    expect(result.mode).toBe('dry-run')
    expect(names(result)).toEqual(['throttled-1', 'throttled-2', 'bad-input', 'timed-out'])
    expect(result.plan.summary.notRedrivable).toEqual([
      expect.objectContaining({name: 'too-big', reason: 'Execution history event limit exceeded'}),
    ])
    expect(sfn.commandCalls(RedriveExecutionCommand)).toHaveLength(0)
    expectCallsDeclared(SfnRedrive.iam, {sfn})
  })

  it('--cause-matches and --status narrow the plan', async () => {
    const run = await runJson<SfnRedriveResult>([
      'sfn',
      'redrive',
      '--state-machine',
      MACHINE,
      '--cause-matches',
      'TooManyRequests',
      '--status',
      'FAILED',
    ])
    const result = resultOf(run)
    expect(names(result)).toEqual(['throttled-1', 'throttled-2'])
    expect(result.plan.summary.filteredOut).toBe(1)
  })

  it('--apply --yes redrives each once, with a client token per execution; a re-run has nothing to do', async () => {
    const run = await runJson<SfnRedriveResult>(['sfn', 'redrive', '--state-machine', 'orders', '--apply', '--yes'])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).report?.applied).toHaveLength(4)
    expect(new Set(tokens).size).toBe(4)
    expect(world.get(arnOf('throttled-1'))!.redriveCount).toBe(1)
    const again = resultOf(await runJson<SfnRedriveResult>(['sfn', 'redrive', '--state-machine', 'orders']))
    expect(again.mode).toBe('up-to-date')
  })

  it('a saved plan skips an execution redriven since it was made, and applies the rest', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pipeops-redrive-')), 'plan.json')
    await runJson(['sfn', 'redrive', '--state-machine', 'orders', '--plan-out', file])
    const other = world.get(arnOf('throttled-2'))!
    other.redriveCount = 1
    other.status = 'RUNNING'
    const run = await runJson<SfnRedriveResult>(['sfn', 'redrive', '--plan', file, '--yes'])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).report).toMatchObject({
      applied: ['throttled-1', 'bad-input', 'timed-out'],
      skipped: ['throttled-2'],
    })
  })

  it('stops at a refused redrive with exit 7, naming what was done and how to resume', async () => {
    failRedriveOf = 'bad-input'
    const run = await runJson(['sfn', 'redrive', '--state-machine', 'orders', '--apply', '--yes'])
    expect(run.exitCode).toBe(7)
    expect(JSON.stringify(run.envelope)).toMatch(/throttled-2/)
    expect(world.get(arnOf('timed-out'))!.redriveCount).toBe(0)
  })

  it('refuses an Express state machine, a bad regular expression and a missing machine (exit 2)', async () => {
    machineType = 'EXPRESS'
    expect(errorOf(await runJson(['sfn', 'redrive', '--state-machine', 'orders'])).message).toMatch(/EXPRESS/)
    expect((await runJson(['sfn', 'redrive', '--state-machine', 'orders', '--cause-matches', '('])).exitCode).toBe(2)
    expect((await runJson(['sfn', 'redrive'])).exitCode).toBe(2)
  })

  it('an unknown state machine name is not found (exit 4)', async () => {
    const run = await runJson(['sfn', 'redrive', '--state-machine', 'nosuch'])
    expect(run.exitCode).toBe(4)
    expect(errorOf(run).message).toMatch(/nosuch/)
  })
})
