/* eslint-disable no-template-curly-in-string -- `${…}` is the literal placeholder syntax of the templates under test */
import {describe, expect, it} from 'vitest'

import {oneTask, practice, rulesOf} from './helpers.js'

const LAMBDA = 'arn:aws:states:::lambda:invoke'
const AWS_RETRIER = {
  BackoffRate: 2,
  ErrorEquals: [
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  IntervalSeconds: 2,
  MaxAttempts: 6,
}

describe('lintPractice: Lambda retries', () => {
  it('warns on a Lambda task without a retrier for the transient Lambda errors, naming them', () => {
    const [finding] = practice(oneTask({Resource: LAMBDA}))
    expect(finding).toMatchObject({path: '$.States.Work.Retry', rule: 'lambda-transient-retry', state: 'Work'})
    expect(finding!.message).toContain(
      'Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException, Lambda.TooManyRequestsException',
    )
  })

  it('is satisfied by the AWS retrier, a catch-all retrier, or States.TaskFailed; not by MaxAttempts 0', () => {
    expect(practice(oneTask({Resource: LAMBDA, Retry: [AWS_RETRIER]}))).toEqual([])
    expect(
      practice(
        oneTask({
          Resource: `arn:\${AWS::Partition}:lambda:eu-west-1:123456789012:function:f`,
          Retry: [{ErrorEquals: ['States.ALL']}],
        }),
      ),
    ).toEqual([])
    expect(practice(oneTask({Resource: LAMBDA, Retry: [{ErrorEquals: ['States.TaskFailed']}]}))).toEqual([])
    expect(
      rulesOf(practice(oneTask({Resource: LAMBDA, Retry: [{ErrorEquals: ['States.ALL'], MaxAttempts: 0}]}))),
    ).toEqual(['catch-all-never-retries', 'lambda-transient-retry'])
  })

  it('says nothing about a task whose Resource is wholly unresolved', () => {
    expect(practice(oneTask({Resource: '${ProcessFunctionArn}'}))).toEqual([])
  })
})

describe('lintPractice: timeouts and heartbeats', () => {
  it('warns on callbacks, .sync jobs and activities without TimeoutSeconds, and on callbacks/activities without heartbeats', () => {
    expect(rulesOf(practice(oneTask({Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken'})))).toEqual([
      'heartbeat-missing',
      'task-timeout-missing',
    ])
    expect(rulesOf(practice(oneTask({Resource: 'arn:aws:states:::glue:startJobRun.sync'})))).toEqual([
      'task-timeout-missing',
    ])
    expect(
      rulesOf(
        practice(oneTask({Resource: 'arn:aws:states:us-east-1:123456789012:activity:approve', TimeoutSeconds: 3600})),
      ),
    ).toEqual(['heartbeat-missing'])
    expect(
      practice(
        oneTask({
          HeartbeatSeconds: 60,
          Resource: 'arn:aws:states:::ecs:runTask.waitForTaskToken',
          TimeoutSeconds: 3600,
        }),
      ),
    ).toEqual([])
  })

  it('does not ask a request-response call for a timeout', () => {
    expect(practice(oneTask({Resource: 'arn:aws:states:::sns:publish'}))).toEqual([])
  })
})

describe('lintPractice: catchers', () => {
  it('warns when a catcher without ResultPath hands only the error to a state that is not a Fail', () => {
    const def = oneTask({Catch: [{ErrorEquals: ['States.ALL'], Next: 'Notify'}]})
    ;(def.States as Record<string, unknown>).Notify = {
      End: true,
      Resource: 'arn:aws:states:::sns:publish',
      Type: 'Task',
    }
    expect(practice(def).map((f) => [f.rule, f.path])).toEqual([['catch-discards-input', '$.States.Work.Catch[0]']])
    ;(def.States as {Work: {Catch: Array<Record<string, unknown>>}}).Work.Catch[0]!.ResultPath = '$.error'
    expect(practice(def)).toEqual([])
  })

  it('keeps quiet when the catcher goes straight to a Fail state', () => {
    const def = oneTask({Catch: [{ErrorEquals: ['States.ALL'], Next: 'Failed'}]})
    ;(def.States as Record<string, unknown>).Failed = {Type: 'Fail'}
    expect(practice(def)).toEqual([])
  })
})

describe('lintPractice: retry budget', () => {
  it('warns when retries outlive the machine TimeoutSeconds', () => {
    const def = oneTask(
      {Retry: [{BackoffRate: 2, ErrorEquals: ['States.ALL'], IntervalSeconds: 60, MaxAttempts: 5}], TimeoutSeconds: 30},
      {TimeoutSeconds: 600},
    )
    // waits 60+120+240+480+960 = 1860 s, plus 6 attempts × 30 s
    const [finding] = practice(def)
    expect(finding!.rule).toBe('retry-exceeds-timeout')
    expect(finding!.message).toContain('6 attempts × TimeoutSeconds 30 s + 31 min of waits')
  })

  it('uses 5 minutes for Express and a year for Standard; MaxDelaySeconds caps the sum', () => {
    const retry = [{BackoffRate: 2, ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxAttempts: 5}]
    expect(rulesOf(practice(oneTask({Retry: retry}), 'EXPRESS'))).toEqual(['retry-exceeds-timeout'])
    expect(practice(oneTask({Retry: retry}), 'STANDARD')).toEqual([])
    const huge = [{BackoffRate: 2, ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 40}]
    expect(rulesOf(practice(oneTask({Retry: huge}), 'STANDARD'))).toEqual(['retry-exceeds-timeout'])
    expect(practice(oneTask({Retry: [{...huge[0], MaxDelaySeconds: 3600}]}), 'STANDARD')).toEqual([])
  })

  it('applies the child type of a distributed Map to the states inside it', () => {
    const def = {
      StartAt: 'M',
      States: {
        M: {
          End: true,
          ItemProcessor: {
            ProcessorConfig: {ExecutionType: 'EXPRESS', Mode: 'DISTRIBUTED'},
            StartAt: 'Job',
            States: {
              Job: {End: true, Resource: 'arn:aws:states:::glue:startJobRun.sync', TimeoutSeconds: 60, Type: 'Task'},
            },
          },
          ToleratedFailurePercentage: 1,
          Type: 'Map',
        },
      },
    }
    expect(practice(def, 'STANDARD').map((f) => [f.rule, f.state])).toEqual([
      ['express-unsupported-integration', 'Job'],
    ])
  })
})

describe('lintPractice: Express and distributed Map', () => {
  it('warns on .sync and callbacks in an Express workflow only when the type is known', () => {
    const def = oneTask({
      HeartbeatSeconds: 5,
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      TimeoutSeconds: 60,
    })
    expect(rulesOf(practice(def, 'EXPRESS'))).toEqual(['express-unsupported-integration'])
    expect(practice(def)).toEqual([])
  })

  it('warns on a distributed Map with no tolerated failures', () => {
    const def = {
      StartAt: 'M',
      States: {
        M: {
          End: true,
          ItemProcessor: {
            ProcessorConfig: {ExecutionType: 'STANDARD', Mode: 'DISTRIBUTED'},
            StartAt: 'I',
            States: {I: {End: true, Type: 'Pass'}},
          },
          Type: 'Map',
        },
      },
    }
    expect(rulesOf(practice(def))).toEqual(['map-tolerated-failure'])
  })
})
