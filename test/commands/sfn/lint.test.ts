import {
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {beforeAll, beforeEach, describe, expect, it} from 'vitest'

import type {SfnLintResult} from '../../../src/lib/sfn/lint.js'
import type {RetryTimeline} from '../../../src/lib/sfn/timeline.js'

import SfnLint from '../../../src/commands/sfn/lint.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const FIXTURE = path.resolve('test/fixtures/sfn/order-machine.asl.json')
let dir: string
const write = (name: string, text: string): string => {
  const file = path.join(dir, name)
  writeFileSync(file, text)
  return file
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sfn-cmd-'))
})

describe('sfn lint', () => {
  it('exits 0 with warnings only, and gives {findings:[{rule, severity, state, path, message}]}', async () => {
    const run = await runJson<SfnLintResult>(['sfn', 'lint', '--definition', FIXTURE])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    expect(result.errors).toBe(0)
    expect(result.findings).toEqual([])
    expect(result.definitions).toEqual([
      {errors: 0, format: 'asl', source: 'order-machine.asl.json', states: 5, type: null, warnings: 0},
    ])
  })

  it('exits 1 on errors with status findings', async () => {
    const file = write(
      'broken.json',
      JSON.stringify({StartAt: 'A', States: {A: {Next: 'B', Retry: [{ErrorEquals: ['States.ALL']}], Type: 'Pass'}}}),
    )
    const run = await runJson<SfnLintResult>(['sfn', 'lint', '--definition', file])
    expect(run.exitCode).toBe(1)
    expect(run.envelope.status).toBe('findings')
    expect(resultOf(run).findings.map((f) => [f.rule, f.severity, f.state, f.path])).toEqual([
      ['unknown-state', 'error', 'A', '$.States.A.Next'],
      ['no-terminal-state', 'error', null, '$.States'],
      ['field-not-allowed', 'error', 'A', '$.States.A.Retry'],
    ])
  })

  it('exits 6 when the file is not a definition, and when no definition can be read offline', async () => {
    const notOne = await runJson([
      'sfn',
      'lint',
      '--definition',
      write('policy.json', '{"Version":"2012-10-17","Statement":[]}'),
    ])
    expect(notOne.exitCode).toBe(6)
    expect(errorOf(notOne).message).toContain('is not a state machine definition')
    const remote = write(
      'remote.yaml',
      'Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: s3://bucket/machine.json\n',
    )
    const unreadable = await runJson(['sfn', 'lint', '--definition', remote])
    expect(unreadable.exitCode).toBe(6)
    expect(errorOf(unreadable).code).toBe('DefinitionUnreadable')
  })

  it('writes SARIF with the rule catalogue and a logical location per finding', async () => {
    const file = write(
      'warn.json',
      JSON.stringify({
        StartAt: 'T',
        States: {T: {End: true, Resource: 'arn:aws:states:::lambda:invoke', Type: 'Task'}},
      }),
    )
    const out = path.join(dir, 'out.sarif')
    const run = await runText(['sfn', 'lint', '--definition', file, '--format', 'sarif', '--out', out])
    expect(run.exitCode).toBe(0)
    const sarif = JSON.parse(readFileSync(out, 'utf8')) as {
      runs: Array<{
        results: Array<{locations: Array<{logicalLocations: Array<{fullyQualifiedName: string}>}>; ruleId: string}>
        tool: {driver: {rules: unknown[]}}
      }>
    }
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toEqual(['lambda-transient-retry'])
    expect(sarif.runs[0]!.results[0]!.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe(
      'warn.json $.States.T.Retry',
    )
    expect(sarif.runs[0]!.tool.driver.rules.length).toBeGreaterThan(20)
  })

  it('rejects unknown rule ids and --out without SARIF (exit 2)', async () => {
    expect((await runJson(['sfn', 'lint', '--definition', FIXTURE, '--skip', 'no-such-rule'])).exitCode).toBe(2)
    expect((await runJson(['sfn', 'lint', '--definition', FIXTURE, '--out', 'x.sarif'])).exitCode).toBe(2)
  })
})

describe('sfn retry-timeline', () => {
  it('prints the textbook 10 s, 15 s, 22.5 s', async () => {
    const file = write(
      'textbook.json',
      JSON.stringify({
        StartAt: 'T',
        States: {
          T: {
            End: true,
            Resource: 'arn:aws:states:::glue:startJobRun.sync',
            Retry: [{BackoffRate: 1.5, ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxAttempts: 3}],
            Type: 'Task',
          },
        },
      }),
    )
    const text = await runText(['sfn', 'retry-timeline', '--definition', file, '--state', 'T'])
    expect(text.stdout).toMatch(/10 s[\s\S]*15 s[\s\S]*22\.5 s/)
    expect(text.stdout).toContain('Fails')
    const json = resultOf(await runJson<RetryTimeline>(['sfn', 'retry-timeline', '--definition', file, '--state', 'T']))
    expect(json.attempts.map((a) => a.waitSeconds)).toEqual([10, 15, 22.5, null])
    expect(json.outcome).toEqual({
      catcher: null,
      error: 'States.TaskFailed',
      kind: 'failed',
      next: null,
      resultPath: null,
    })
  })

  it('follows the errors given and names the catcher, its ResultPath and the next state', async () => {
    const json = resultOf(
      await runJson<RetryTimeline>([
        'sfn',
        'retry-timeline',
        '--definition',
        FIXTURE,
        '--state',
        '"Charge card"',
        '--errors',
        'Lambda.ServiceException,PaymentDeclined,PaymentDeclined,PaymentDeclined',
      ]),
    )
    expect(json.attempts.map((a) => [a.retrier, a.waitSeconds])).toEqual([
      [0, 2],
      [1, 10],
      [1, 15],
      [1, null],
    ])
    expect(json.outcome).toEqual({
      catcher: 0,
      error: 'PaymentDeclined',
      kind: 'caught',
      next: 'Notify team',
      resultPath: '$.error',
    })
  })

  it('is a usage error (exit 2) for a state that does not exist', async () => {
    const run = await runJson(['sfn', 'retry-timeline', '--definition', FIXTURE, '--state', '"charge card"'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).suggestions[0]).toBe('Did you mean "Charge card"?')
  })
})

describe('--state-machine: the deployed definition', () => {
  const sfn = mockClient(SFNClient)
  useTestAwsEnv()

  beforeEach(() => sfn.reset())
  const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:orders'
  // A Lambda task with no retrier and no timeout: two warnings, whatever the source.
  const DEPLOYED = JSON.stringify({
    StartAt: 'Charge card',
    States: {
      'Charge card': {
        End: true,
        Parameters: {FunctionName: 'charge'},
        Resource: 'arn:aws:states:::lambda:invoke',
        Retry: [{BackoffRate: 1.5, ErrorEquals: ['States.Timeout'], IntervalSeconds: 10, MaxAttempts: 2}],
        Type: 'Task',
      },
    },
  })
  const DEPLOYED_FILE = path.join(tmpdir(), `sfn-deployed-${process.pid}.json`)
  writeFileSync(DEPLOYED_FILE, DEPLOYED)

  it('lints a state machine found by name, and declares its calls', async () => {
    sfn.on(ListStateMachinesCommand).resolves({
      stateMachines: [{creationDate: new Date(), name: 'orders', stateMachineArn: MACHINE, type: 'STANDARD'}],
    })
    sfn.on(DescribeStateMachineCommand).resolves({
      definition: DEPLOYED,
      name: 'orders',
      stateMachineArn: MACHINE,
      type: 'STANDARD',
    } as never)
    const live = resultOf(await runJson<SfnLintResult>(['sfn', 'lint', '--state-machine', 'orders']))
    const local = resultOf(
      await runJson<SfnLintResult>(['sfn', 'lint', '--definition', DEPLOYED_FILE, '--type', 'STANDARD']),
    )
    expect(live.findings.map((f) => f.rule)).toEqual(local.findings.map((f) => f.rule))
    expect(live.findings.length).toBeGreaterThan(0)
    expectCallsDeclared(SfnLint.iam, {sfn})
  })

  it('reads every version an alias routes to, and plays a retry policy of the deployed definition', async () => {
    const alias = `${MACHINE}:prod`
    sfn.on(DescribeStateMachineAliasCommand).resolves({
      name: 'prod',
      routingConfiguration: [
        {stateMachineVersionArn: `${MACHINE}:3`, weight: 90},
        {stateMachineVersionArn: `${MACHINE}:4`, weight: 10},
      ],
    } as never)
    sfn.on(DescribeStateMachineCommand).callsFake((input: {stateMachineArn: string}) => ({
      definition: DEPLOYED,
      stateMachineArn: input.stateMachineArn,
      type: 'STANDARD',
    }))
    const r = resultOf(await runJson<SfnLintResult>(['sfn', 'lint', '--state-machine', alias]))
    expect(new Set(r.findings.map((f) => f.source))).toEqual(
      new Set([`${MACHINE}:3 (alias prod, 90%)`, `${MACHINE}:4 (alias prod, 10%)`]),
    )
    const both = await runJson(['sfn', 'retry-timeline', '--state-machine', alias, '--state="Charge card"'])
    expect(both.exitCode).toBe(2)
    expect(errorOf(both).message).toContain('holds 2 state machines: pick one with --machine')
    const one = await runJson<RetryTimeline>([
      'sfn',
      'retry-timeline',
      '--state-machine',
      alias,
      '--machine=:4',
      '--state="Charge card"',
    ])
    expect(one.exitCode).toBe(0)
  })

  it('needs exactly one of --definition and --state-machine (exit 2)', async () => {
    expect((await runJson(['sfn', 'lint'])).exitCode).toBe(2)
    expect((await runJson(['sfn', 'lint', '--definition', FIXTURE, '--state-machine', 'orders'])).exitCode).toBe(2)
  })
})
