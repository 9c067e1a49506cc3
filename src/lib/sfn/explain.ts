/**
 * `sfn explain` of one execution: read it (DescribeExecution, every page of GetExecutionHistory,
 * the definition it ran with from DescribeStateMachineForExecution) or a saved history, explain it
 * with history.ts, and say what the failing state ran (task-run.ts), followed live into the
 * Lambda log, the Glue job run, a nested execution or a map run's failed child (follow-task.ts).
 * Express executions keep no history: their events are read from the state machine's CloudWatch
 * Logs log group when logging is on (express-logs.ts).
 */
import {readFile} from 'node:fs/promises'

import type {RunContext} from '../core/run-context.js'

import {InputError, UsageError} from '../core/errors.js'
import {isObj, type Json} from './asl.js'
import {loggedExecutions, readExpressExecution} from './express-logs.js'
import {type ExplainClients, followTaskRun} from './follow-task.js'
import {explainHistory, type ExplainResult, type HistoryEvent, historyEvents} from './history.js'
import {type TaskRun, taskRunOf} from './task-run.js'

export type {ExplainClients} from './follow-task.js'

export interface ExplainReport extends ExplainResult {
  executionArn: null | string
  /** Why something is unknown (the retry schedule, the log level of an Express execution…). */
  notes: string[]
  redrive: null | {reason: null | string; status: null | string}
  source: string
  /** What the failing state ran, when the history says; followed live into logs and child executions. */
  taskRun: null | TaskRun<ExplainReport>
}

/** Nested executions and map-run children are followed this many levels down. */
export const MAX_FOLLOW_DEPTH = 3

const HISTORY_HINT = 'Save it with `aws stepfunctions get-execution-history --execution-arn ARN > history.json`.'

export async function readHistoryFile(file: string): Promise<HistoryEvent[]> {
  let data: unknown
  try {
    data = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    throw new InputError(
      code === 'ENOENT'
        ? `cannot read ${file}: no such file`
        : `${file} is not valid JSON: ${(error as Error).message.split('\n')[0]}`,
      {code: code === 'ENOENT' ? 'FileNotFound' : 'InvalidInput', suggestions: [HISTORY_HINT]},
    )
  }

  const events = historyEvents(data)
  if (events && events.length > 0) return events
  // An Express execution's log events (`aws logs filter-log-events` output, or the messages alone).
  const logged = loggedExecutions(data)
  if (logged.size === 1) return [...logged.values()][0]!
  if (logged.size > 1)
    throw new InputError(`${file} holds the log events of ${logged.size} Express executions: keep one`, {
      suggestions: [
        `Filter by one execution: aws logs filter-log-events --log-group-name GROUP --filter-pattern '{ $.execution_arn = "${[...logged.keys()][0]}" }'`,
      ],
    })
  throw new InputError(
    `${file} is not an execution history (expected {"events": [{"id", "type", "timestamp", …}]}, or an Express execution's log events)`,
    {suggestions: [HISTORY_HINT]},
  )
}

export function explainHistoryFile(events: HistoryEvent[], source: string, definition?: Json): ExplainReport {
  const result = explainHistory(events, definition)
  return {
    ...result,
    executionArn: null,
    notes: definition ? [] : ['No --definition given: the configured retry schedule is not compared.'],
    redrive: null,
    source,
    taskRun: result.origin ? (taskRunOf(events, result.origin.eventId) as null | TaskRun<ExplainReport>) : null,
  }
}

/** Express executions keep no history (GetExecutionHistory is for Standard only). */
function isExpressArn(arn: string): boolean {
  return /^arn:[^:]+:states:[^:]*:[^:]*:express:/.test(arn)
}

export function assertExecutionArn(arn: string): void {
  if (!/^arn:[^:]+:states:[^:]*:\d*:(execution|express):/.test(arn))
    throw new UsageError(`${arn} is not an execution ARN`, {
      suggestions: [
        'Give arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME (from `aws stepfunctions list-executions`).',
      ],
    })
}

export interface ExplainExecutionRequest {
  executionArn: string
  /** Follow the failing task into its logs and child executions (live calls beyond the history). */
  follow: boolean
}

/**
 * Whether the newest part of a history already explains the failure: the origin is a task whose
 * whole state visit is read (its StateEntered is there, and everything after it), or the state
 * that was still running at a timeout or abort. A Fail state or an execution-level failure is not
 * enough, since the task failure behind it may be older than what was read.
 */
function explainedByNewest(events: HistoryEvent[]): boolean {
  const {origin} = explainHistory(events)
  if (!origin?.state) return false
  return origin.kind === 'task' || origin.kind === 'execution-timeout' || origin.kind === 'aborted'
}

/**
 * The history, oldest first. It is read newest first (reverseOrder), because the failure is at
 * the end: a long history (a Standard execution keeps up to 25,000 events, 25 pages) is read back
 * only as far as the explanation needs. `firstEventId` > 1 says the beginning was not read.
 */
async function readHistory(
  sfn: ExplainClients['sfn'],
  arn: string,
  ctx: RunContext,
): Promise<{events: HistoryEvent[]; firstEventId: number}> {
  const {GetExecutionHistoryCommand} = await import('@aws-sdk/client-sfn')
  const events: HistoryEvent[] = []
  let nextToken: string | undefined
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: arn,
        includeExecutionData: true,
        maxResults: 1000,
        reverseOrder: true,
        ...(nextToken ? {nextToken} : {}),
      }),
      {abortSignal: ctx.signal},
    )
    for (const e of page.events ?? []) events.push(e as unknown as HistoryEvent)
    nextToken = page.nextToken
    events.sort((a, b) => a.id - b.id)
    if (nextToken && explainedByNewest(events)) break
    if (nextToken) ctx.progress({detail: `${events.length} events`, label: 'Reading the history (newest first)'})
  } while (nextToken)

  return {events, firstEventId: events[0]?.id ?? 1}
}

export async function explainExecution(
  clients: ExplainClients,
  request: ExplainExecutionRequest,
  ctx: RunContext,
  depth = 0,
): Promise<ExplainReport> {
  const arn = request.executionArn
  assertExecutionArn(arn)
  const {sfn} = clients
  const notes: string[] = []
  let events: HistoryEvent[]
  let definition: Json | undefined
  let redrive: ExplainReport['redrive'] = null
  if (isExpressArn(arn)) {
    const express = await readExpressExecution(clients, arn, ctx)
    events = express.events
    definition = express.definition
    notes.push(...express.notes)
  } else {
    const {DescribeExecutionCommand, DescribeStateMachineForExecutionCommand} = await import('@aws-sdk/client-sfn')
    const execution = await sfn.send(new DescribeExecutionCommand({executionArn: arn}), {abortSignal: ctx.signal})
    redrive = {reason: execution.redriveStatusReason ?? null, status: execution.redriveStatus ?? null}
    const history = await readHistory(sfn, arn, ctx)
    events = history.events
    if (history.firstEventId > 1)
      notes.push(
        `The history was read newest first, back to event ${history.firstEventId} (the failure's whole state visit): its start and earlier events are not shown.`,
      )
    try {
      const machine = await sfn.send(new DescribeStateMachineForExecutionCommand({executionArn: arn}), {
        abortSignal: ctx.signal,
      })
      const parsed: unknown = machine.definition ? JSON.parse(machine.definition) : undefined
      if (isObj(parsed)) definition = parsed
    } catch (error) {
      notes.push(
        `The definition could not be read (${(error as Error).name ?? 'error'}: ${(error as Error).message}); the configured retry schedule is not compared.`,
      )
    }
  }

  const result = explainHistory(events, definition)
  const taskRun = result.origin ? (taskRunOf(events, result.origin.eventId) as null | TaskRun<ExplainReport>) : null
  const report: ExplainReport = {...result, executionArn: arn, notes, redrive, source: arn, taskRun}
  return request.follow ? followReport(clients, report, ctx, depth) : report
}

/** The report with its task run followed live (logs, job run, child executions `depth` levels down). */
export async function followReport(
  clients: ExplainClients,
  report: ExplainReport,
  ctx: RunContext,
  depth = 0,
): Promise<ExplainReport> {
  if (!report.taskRun) return report
  const explainChild =
    depth + 1 < MAX_FOLLOW_DEPTH
      ? (child: string) => explainExecution(clients, {executionArn: child, follow: true}, ctx, depth + 1)
      : null
  return {...report, taskRun: await followTaskRun(clients, report.taskRun, ctx, explainChild)}
}
