import {describe, expect, it} from 'vitest'

import {lambdaFunctionBaseName, taskRunOf} from '../../../src/lib/sfn/task-run.js'
import {HistoryBuilder} from './history-builder.js'

/** One failed attempt of an integration; returns the history and the failure's event id. */
function failedTask(
  integration: {resource: string; resourceType: string},
  cause: unknown,
  parameters: Record<string, unknown> = {},
): {events: HistoryBuilder['events']; failedId: number} {
  const h = new HistoryBuilder()
  const entered = h.add('TaskStateEntered', h.add('ExecutionStarted', 0), {name: 'Work'})
  const scheduled = h.add('TaskScheduled', entered, {...integration, parameters: JSON.stringify(parameters)})
  const started = h.add('TaskStarted', scheduled, integration)
  const failedId = h.add('TaskFailed', started, {
    ...integration,
    cause: typeof cause === 'string' ? cause : JSON.stringify(cause),
    error: 'States.TaskFailed',
  })
  return {events: h.events, failedId}
}

describe('taskRunOf: what the failing state ran, from the history', () => {
  it('reads an ECS task that never started: stopped reason, stop code, a container without exit code', () => {
    const {events, failedId} = failedTask(
      {resource: 'runTask.sync', resourceType: 'ecs'},
      {
        Containers: [{Image: 'no-such-image', LastStatus: 'STOPPED', Name: 'app'}],
        LastStatus: 'STOPPED',
        StopCode: 'TaskFailedToStart',
        StoppedReason: 'CannotPullContainerError: pull access denied',
        TaskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/c/1',
      },
    )
    expect(taskRunOf(events, failedId)).toEqual({
      containers: [{exitCode: null, name: 'app', reason: null}],
      kind: 'ecs',
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull access denied',
      taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/c/1',
    })
  })

  it('reads an ECS task whose essential container exited non-zero', () => {
    const {events, failedId} = failedTask(
      {resource: 'runTask.sync', resourceType: 'ecs'},
      {
        Containers: [{ExitCode: 137, Name: 'etl', Reason: 'OutOfMemoryError: Container killed'}],
        StopCode: 'EssentialContainerExited',
        StoppedReason: 'Essential container in task exited',
      },
    )
    expect(taskRunOf(events, failedId)).toMatchObject({
      containers: [{exitCode: 137, name: 'etl', reason: 'OutOfMemoryError: Container killed'}],
      stopCode: 'EssentialContainerExited',
    })
  })

  it('reads a Glue job run: name, run id, state, error message and where its error log is', () => {
    const {events, failedId} = failedTask(
      {resource: 'startJobRun.sync', resourceType: 'glue'},
      {
        ErrorMessage: 'An error occurred while calling o97.pyWriteDynamicFrame. Access Denied',
        Id: 'jr_abc',
        JobName: 'orders-etl',
        JobRunState: 'FAILED',
      },
      {JobName: 'orders-etl'},
    )
    expect(taskRunOf(events, failedId)).toEqual({
      errorMessage: 'An error occurred while calling o97.pyWriteDynamicFrame. Access Denied',
      jobName: 'orders-etl',
      kind: 'glue',
      logHint: '/aws-glue/jobs/error, stream jr_abc',
      runId: 'jr_abc',
      state: 'FAILED',
    })
  })

  it('keeps the job name from the parameters when the cause is not the job run (the start call was refused)', () => {
    const {events, failedId} = failedTask(
      {resource: 'startJobRun.sync', resourceType: 'glue'},
      'Concurrent runs exceeded for orders-etl (Service: Glue; Status Code: 400; Error Code: ConcurrentRunsExceededException)',
      {JobName: 'orders-etl'},
    )
    expect(taskRunOf(events, failedId)).toMatchObject({
      errorMessage: null,
      jobName: 'orders-etl',
      logHint: null,
      runId: null,
    })
  })

  it('reads a Batch job: status reason, container exit code and log stream', () => {
    const {events, failedId} = failedTask(
      {resource: 'submitJob.sync', resourceType: 'batch'},
      {
        Container: {ExitCode: 1, LogStreamName: 'nightly/default/abc'},
        JobId: 'j-1',
        JobName: 'nightly',
        StatusReason: 'Essential container in task exited',
      },
    )
    expect(taskRunOf(events, failedId)).toEqual({
      container: {exitCode: 1, name: null, reason: null},
      jobId: 'j-1',
      jobName: 'nightly',
      kind: 'batch',
      logStream: 'nightly/default/abc',
      statusReason: 'Essential container in task exited',
    })
  })

  it('reads a Lambda task: the function from the parameters, the request id a Python runtime puts in the cause, the time span', () => {
    const {events, failedId} = failedTask(
      {resource: 'invoke', resourceType: 'lambda'},
      {errorMessage: 'x', errorType: 'ValueError', requestId: 'r-1', stackTrace: []},
      {FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:charge:3', Payload: {}},
    )
    const run = taskRunOf(events, failedId)
    expect(run).toMatchObject({
      functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:charge:3',
      kind: 'lambda',
      logGroup: '/aws/lambda/charge',
      logLines: null,
      requestId: 'r-1',
    })
    expect((run as {window: {from: string; to: string}}).window.from < (run as {window: {to: string}}).window.to).toBe(
      true,
    )
  })

  it('reads a legacy Lambda state (LambdaFunctionScheduled with the function ARN as resource)', () => {
    const h = new HistoryBuilder()
    const entered = h.add('TaskStateEntered', h.add('ExecutionStarted', 0), {name: 'Old'})
    const scheduled = h.add('LambdaFunctionScheduled', entered, {
      resource: 'arn:aws:lambda:eu-west-1:123456789012:function:old-fn',
    })
    const failed = h.add('LambdaFunctionFailed', h.add('LambdaFunctionStarted', scheduled), {
      cause: '{}',
      error: 'Oops',
    })
    expect(taskRunOf(h.events, failed)).toMatchObject({
      functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:old-fn',
      logGroup: '/aws/lambda/old-fn',
      requestId: null,
    })
  })

  it('reads a nested execution from a startExecution.sync cause, and a distributed Map run from MapRunStarted', () => {
    const nested = failedTask(
      {resource: 'startExecution.sync:2', resourceType: 'states'},
      {Error: 'Boom', ExecutionArn: 'arn:aws:states:eu-west-1:1:execution:child:1', Status: 'FAILED'},
    )
    expect(taskRunOf(nested.events, nested.failedId)).toEqual({
      child: null,
      error: 'Boom',
      executionArn: 'arn:aws:states:eu-west-1:1:execution:child:1',
      kind: 'execution',
      note: null,
      status: 'FAILED',
    })

    const h = new HistoryBuilder()
    const entered = h.add('MapStateEntered', h.add('ExecutionStarted', 0), {name: 'Each file'})
    const started = h.add('MapRunStarted', entered, {mapRunArn: 'arn:aws:states:eu-west-1:1:mapRun:m/abc:def'})
    const failed = h.add('MapRunFailed', started, {cause: 'too many', error: 'States.ExceedToleratedFailureThreshold'})
    expect(taskRunOf(h.events, failed)).toMatchObject({
      kind: 'map-run',
      mapRunArn: 'arn:aws:states:eu-west-1:1:mapRun:m/abc:def',
    })
  })

  it('is null for what it does not know (an SDK integration, an unknown event id)', () => {
    const sdk = failedTask({resource: 'aws-sdk:s3:getObject', resourceType: 'aws-sdk'}, 'NoSuchKey')
    expect(taskRunOf(sdk.events, sdk.failedId)).toBeNull()
    expect(taskRunOf(sdk.events, 999)).toBeNull()
  })

  it('takes the base name of every form of FunctionName', () => {
    expect(lambdaFunctionBaseName('charge')).toBe('charge')
    expect(lambdaFunctionBaseName('123456789012:function:charge')).toBe('charge')
    expect(lambdaFunctionBaseName('arn:aws:lambda:eu-west-1:123456789012:function:charge:$LATEST')).toBe('charge')
  })
})
