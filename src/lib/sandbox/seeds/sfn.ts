/**
 * Demo data for `sfn lint`, `sfn retry-timeline` and `sfn explain`: a nightly load state machine
 * (ASL JSON) and the saved history of one of its failed executions, in the shape of `aws
 * stepfunctions get-execution-history`. The story: the Lambda that stages the files was
 * throttled; its retrier waited 10 s, 15 s and 22.5 s (interval 10 s, backoff rate 1.5) and gave
 * up; the Catch sent the execution to the notifier, which ended in the Fail state. The console
 * shows the Fail state; `sfn explain` names the throttled Lambda. The Glue step has no timeout, so
 * the lint warns about it. Written with fixed times so the tour prints the same on every run.
 */
import {mkdir} from 'node:fs/promises'
import path from 'node:path'

import type {Seed, SeededResource} from '../types.js'

import {writeFileAtomic} from '../../core/atomic-write.js'

export const SFN_SAMPLE_FOLDER = 'sfn'
const ACCOUNT = '111122223333'
const REGION = 'us-east-1'
const STAGE_FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:stage-nightly-files`

export const NIGHTLY_LOAD_DEFINITION = {
  Comment: 'pipeops demo: stage the nightly files, load them with Glue, tell on-call when it fails.',
  StartAt: 'Stage files',
  States: {
    Loaded: {Type: 'Succeed'},
    'Load failed': {Cause: 'The nightly load did not finish.', Error: 'NightlyLoadFailed', Type: 'Fail'},
    'Load with Glue': {
      Next: 'Loaded',
      Parameters: {JobName: 'nightly-load'},
      Resource: 'arn:aws:states:::glue:startJobRun.sync',
      Type: 'Task',
    },
    'Notify on-call': {
      Next: 'Load failed',
      Parameters: {'Message.$': '$.error.Cause', TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:nightly-alerts`},
      Resource: 'arn:aws:states:::sns:publish',
      Type: 'Task',
    },
    'Stage files': {
      Catch: [{ErrorEquals: ['States.ALL'], Next: 'Notify on-call', ResultPath: '$.error'}],
      Next: 'Load with Glue',
      Parameters: {FunctionName: STAGE_FUNCTION, 'Payload.$': '$'},
      Resource: 'arn:aws:states:::lambda:invoke',
      Retry: [
        {
          BackoffRate: 1.5,
          ErrorEquals: ['Lambda.TooManyRequestsException', 'Lambda.ServiceException'],
          IntervalSeconds: 10,
          MaxAttempts: 3,
        },
      ],
      TimeoutSeconds: 300,
      Type: 'Task',
    },
  },
}

interface DemoEvent {
  [details: string]: unknown
  id: number
  previousEventId: number
  timestamp: string
  type: string
}

/** The failed execution's history: four throttled attempts, the Catch, the notifier, the Fail state. */
export function nightlyLoadHistory(): {events: DemoEvent[]} {
  const events: DemoEvent[] = []
  let clock = Date.parse('2026-11-22T02:00:00.000Z')
  const add = (type: string, previous: number, details: Record<string, unknown>, afterMs = 50): number => {
    clock += afterMs
    const key = type.endsWith('StateEntered')
      ? 'stateEnteredEventDetails'
      : type.endsWith('StateExited')
        ? 'stateExitedEventDetails'
        : `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`
    events.push({
      id: events.length + 1,
      [key]: details,
      previousEventId: previous,
      timestamp: new Date(clock).toISOString(),
      type,
    })
    return events.length
  }

  const lambda = {resource: 'invoke', resourceType: 'lambda'}
  const throttled = JSON.stringify({
    errorMessage: 'Rate Exceeded. (Service: Lambda, Status Code: 429, Request ID: 5d2c1a7e-demo)',
    errorType: 'TooManyRequestsException',
  })
  let previous = add('ExecutionStarted', 0, {
    input: '{"date":"2026-11-21"}',
    roleArn: `arn:aws:iam::${ACCOUNT}:role/nightly-load`,
  })
  previous = add('TaskStateEntered', previous, {input: '{"date":"2026-11-21"}', name: 'Stage files'})
  // The first attempt, then retries after 10 s, 15 s and 22.5 s.
  for (const waitMs of [0, 10_000, 15_000, 22_500]) {
    previous = add(
      'TaskScheduled',
      previous,
      {
        ...lambda,
        parameters: JSON.stringify({FunctionName: STAGE_FUNCTION, Payload: {date: '2026-11-21'}}),
        region: REGION,
        timeoutInSeconds: 300,
      },
      waitMs + 50,
    )
    previous = add('TaskStarted', previous, lambda)
    previous = add('TaskFailed', previous, {...lambda, cause: throttled, error: 'Lambda.TooManyRequestsException'}, 120)
  }

  previous = add('TaskStateExited', previous, {name: 'Stage files', output: '{}'})
  previous = add('TaskStateEntered', previous, {input: '{}', name: 'Notify on-call'})
  const sns = {resource: 'publish', resourceType: 'sns'}
  previous = add('TaskScheduled', previous, {...sns, parameters: '{}', region: REGION})
  previous = add('TaskStarted', previous, sns)
  previous = add('TaskSucceeded', previous, {...sns, output: '{"MessageId":"demo"}'})
  previous = add('TaskStateExited', previous, {name: 'Notify on-call', output: '{}'})
  previous = add('FailStateEntered', previous, {input: '{}', name: 'Load failed'})
  add('ExecutionFailed', previous, {cause: 'The nightly load did not finish.', error: 'NightlyLoadFailed'})
  return {events}
}

export const sfnSeed: Seed = {
  name: 'sfn',
  async run({log, workDir}): Promise<SeededResource[]> {
    const dir = path.join(workDir, SFN_SAMPLE_FOLDER)
    await mkdir(dir, {recursive: true})
    const definition = path.join(dir, 'nightly-load.asl.json')
    const history = path.join(dir, 'nightly-load-failed-history.json')
    await writeFileAtomic(definition, `${JSON.stringify(NIGHTLY_LOAD_DEFINITION, null, 2)}\n`)
    await writeFileAtomic(history, `${JSON.stringify(nightlyLoadHistory(), null, 2)}\n`)
    log(`Step Functions: wrote a state machine definition and a failed execution's history to ${dir}`)
    return [
      {kind: 'local file', name: definition, note: 'state machine definition for sfn lint / retry-timeline'},
      {kind: 'local file', name: history, note: 'a failed execution history for sfn explain --history'},
    ]
  },
}
