/**
 * What only live calls can add to what the history says the failing state ran: the Lambda
 * invocation's log lines (FilterLogEvents in the function's log group over the attempt's time
 * span, by request id when the cause has one), the Glue job run (GetJobRun: its ErrorMessage even
 * when the cause was cut at 32 KiB), the nested execution's own explanation, and a distributed
 * Map run's counts and one failed child explained. A call that is refused or fails leaves a note
 * saying what could not be read; it never turns into "nothing went wrong".
 */
import type {CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'
import type {GlueClient} from '@aws-sdk/client-glue'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import type {SFNClient} from '@aws-sdk/client-sfn'

import type {RunContext} from '../core/run-context.js'

import {reasonOf} from '../core/error-reason.js'
import {type LambdaRun, type LogLine, type MapRun, type NestedRun, type TaskRun} from './task-run.js'

export interface ExplainClients {
  glue?: GlueClient | undefined
  lambda?: LambdaClient | undefined
  logs?: CloudWatchLogsClient | undefined
  sfn: SFNClient
}

/** Log lines kept per invocation: enough for the error and its stack, bounded for the terminal. */
export const MAX_LOG_LINES = 40
/** Lambda delivers log events a little after the invocation ends; look this far past the failure. */
const LOG_SLACK_MS = 60_000

/** Lines that say what failed come first: the runtime's ERROR lines, timeouts, tracebacks. */
const IMPORTANT = /\bERROR\b|Task timed out|Traceback|Exception|errorMessage|Runtime\.\w+|REPORT RequestId/

async function followLambda(clients: ExplainClients, run: LambdaRun, ctx: RunContext): Promise<LambdaRun> {
  if (!run.functionName || !run.window) return {...run, note: 'the history does not name the function or its time'}
  if (!clients.logs) return {...run, note: 'CloudWatch Logs was not asked (no client)'}
  const notes: string[] = []
  let {logGroup} = run
  if (clients.lambda) {
    // A function can log to a group of its own choosing (LoggingConfig.LogGroup).
    try {
      const {GetFunctionConfigurationCommand} = await import('@aws-sdk/client-lambda')
      const config = await clients.lambda.send(new GetFunctionConfigurationCommand({FunctionName: run.functionName}), {
        abortSignal: ctx.signal,
      })
      logGroup = config.LoggingConfig?.LogGroup ?? logGroup
    } catch (error) {
      notes.push(
        `the function's log group setting could not be read (${reasonOf(error)}); the default group was searched`,
      )
    }
  }

  if (!logGroup) return {...run, note: 'no log group to search'}
  const {FilterLogEventsCommand} = await import('@aws-sdk/client-cloudwatch-logs')
  const lines: LogLine[] = []
  let nextToken: string | undefined
  let pages = 0
  try {
    do {
      const page = await clients.logs.send(
        new FilterLogEventsCommand({
          endTime: new Date(run.window.to).getTime() + LOG_SLACK_MS,
          // By request id when known; otherwise the lines a runtime writes for a failure.
          filterPattern: run.requestId ? `"${run.requestId}"` : '?ERROR ?"Task timed out" ?Traceback ?Exception',
          logGroupName: logGroup,
          startTime: new Date(run.window.from).getTime() - 1000,
          ...(nextToken ? {nextToken} : {}),
        }),
        {abortSignal: ctx.signal},
      )
      for (const e of page.events ?? [])
        lines.push({
          at: new Date(e.timestamp ?? 0).toISOString(),
          message: (e.message ?? '').trimEnd(),
          stream: e.logStreamName ?? '',
        })
      nextToken = page.nextToken
      pages++
    } while (nextToken && pages < 5 && lines.length < 500)
  } catch (error) {
    return {...run, logGroup, note: [...notes, `its log lines could not be read (${reasonOf(error)})`].join('; ')}
  }

  if (lines.length === 0)
    notes.push(
      `no matching line in ${logGroup} between ${run.window.from} and ${run.window.to}: the function may log elsewhere, or its log retention may have removed them`,
    )
  const ranked = [...lines].sort((a, b) => Number(IMPORTANT.test(b.message)) - Number(IMPORTANT.test(a.message)))
  const kept = new Set(ranked.slice(0, MAX_LOG_LINES))
  if (lines.length > MAX_LOG_LINES) notes.push(`${lines.length - MAX_LOG_LINES} more line(s) not shown`)
  return {
    ...run,
    logGroup,
    logLines: lines.filter((l) => kept.has(l)),
    note: notes.length > 0 ? notes.join('; ') : null,
  }
}

async function followMapRun<Child>(
  clients: ExplainClients,
  run: MapRun<Child>,
  ctx: RunContext,
  explainChild: (arn: string) => Promise<Child>,
): Promise<MapRun<Child>> {
  if (!run.mapRunArn) return {...run, note: 'the history does not name the map run'}
  const {DescribeMapRunCommand, ListExecutionsCommand} = await import('@aws-sdk/client-sfn')
  try {
    const described = await clients.sfn.send(new DescribeMapRunCommand({mapRunArn: run.mapRunArn}), {
      abortSignal: ctx.signal,
    })
    const c = described.executionCounts
    const listed = await clients.sfn.send(
      new ListExecutionsCommand({mapRunArn: run.mapRunArn, maxResults: 20, statusFilter: 'FAILED'}),
      {abortSignal: ctx.signal},
    )
    const failedExecutions = (listed.executions ?? []).map((e) => e.executionArn!).filter(Boolean)
    const first = failedExecutions[0]
    return {
      ...run,
      child: first ? await explainChild(first) : null,
      counts: c
        ? {
            aborted: c.aborted ?? 0,
            failed: c.failed ?? 0,
            succeeded: c.succeeded ?? 0,
            timedOut: c.timedOut ?? 0,
            total: c.total ?? 0,
          }
        : null,
      failedExecutions,
      note: first ? null : 'no FAILED child execution is listed (they may have timed out or been aborted)',
    }
  } catch (error) {
    return {...run, note: `the map run could not be read (${reasonOf(error)})`}
  }
}

/**
 * Live details of what ran. `explainChild` explains a nested or map-run child execution; the
 * caller bounds how deep that goes.
 */
export async function followTaskRun<Child>(
  clients: ExplainClients,
  run: TaskRun<Child>,
  ctx: RunContext,
  explainChild: ((arn: string) => Promise<Child>) | null,
): Promise<TaskRun<Child>> {
  switch (run.kind) {
    case 'execution': {
      const nested = run as NestedRun<Child>
      if (!nested.executionArn) return {...nested, note: 'the cause does not name the child execution'}
      if (!explainChild) return {...nested, note: 'not followed: nested too deep'}
      try {
        return {...nested, child: await explainChild(nested.executionArn)}
      } catch (error) {
        return {...nested, note: `the child execution could not be read (${reasonOf(error)})`}
      }
    }

    case 'glue': {
      if (!clients.glue || !run.jobName || !run.runId) return run
      try {
        const {GetJobRunCommand} = await import('@aws-sdk/client-glue')
        const {JobRun} = await clients.glue.send(new GetJobRunCommand({JobName: run.jobName, RunId: run.runId}), {
          abortSignal: ctx.signal,
        })
        const group = JobRun?.LogGroupName ?? '/aws-glue/jobs'
        return {
          ...run,
          errorMessage: JobRun?.ErrorMessage ?? run.errorMessage,
          logHint: `${group}/error, stream ${run.runId}`,
          state: JobRun?.JobRunState ?? run.state,
        }
      } catch {
        // The cause already holds the job run as it ended; GetJobRun only refreshes it.
        return run
      }
    }

    case 'lambda': {
      return followLambda(clients, run, ctx)
    }

    case 'map-run': {
      const map = run as MapRun<Child>
      if (!explainChild) return {...map, note: 'not followed: nested too deep'}
      return followMapRun(clients, map, ctx, explainChild)
    }

    default: {
      return run
    }
  }
}
