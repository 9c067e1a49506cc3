/**
 * `sfn explain`: read an execution (DescribeExecution, every page of GetExecutionHistory, the
 * definition it ran with from DescribeStateMachineForExecution) or a saved history file, and
 * explain it with history.ts.
 */
import type {SFNClient} from '@aws-sdk/client-sfn'

import {readFile} from 'node:fs/promises'

import {InputError, UsageError} from '../core/errors.js'
import {isObj, type Json} from './asl.js'
import {explainHistory, type ExplainResult, type HistoryEvent, historyEvents} from './history.js'

export interface ExplainReport extends ExplainResult {
  executionArn: null | string
  /** Why the configured retry schedule is unknown, when it is. */
  notes: string[]
  redrive: null | {reason: null | string; status: null | string}
  source: string
}

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
      {
        code: code === 'ENOENT' ? 'FileNotFound' : 'InvalidInput',
        suggestions: ['Save it with `aws stepfunctions get-execution-history --execution-arn ARN > history.json`.'],
      },
    )
  }

  const events = historyEvents(data)
  if (!events || events.length === 0)
    throw new InputError(
      `${file} is not an execution history (expected {"events": [{"id", "type", "timestamp", …}]})`,
      {
        suggestions: ['Save it with `aws stepfunctions get-execution-history --execution-arn ARN > history.json`.'],
      },
    )
  return events
}

export function explainHistoryFile(events: HistoryEvent[], source: string, definition?: Json): ExplainReport {
  return {
    ...explainHistory(events, definition),
    executionArn: null,
    notes: definition ? [] : ['No --definition given: the configured retry schedule is not compared.'],
    redrive: null,
    source,
  }
}

/** Express executions keep no history (GetExecutionHistory is for Standard only). */
function isExpressArn(arn: string): boolean {
  return /^arn:[^:]+:states:[^:]*:[^:]*:express:/.test(arn)
}

export async function explainLiveExecution(sfn: SFNClient, arn: string, signal?: AbortSignal): Promise<ExplainReport> {
  if (!/^arn:[^:]+:states:[^:]*:\d*:(execution|express):/.test(arn))
    throw new UsageError(`${arn} is not an execution ARN`, {
      suggestions: [
        'Give arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME (from `aws stepfunctions list-executions`).',
      ],
    })
  if (isExpressArn(arn))
    throw new UsageError(
      'Express executions keep no execution history, so there is nothing to read with GetExecutionHistory',
      {
        code: 'ExpressExecution',
        suggestions: [
          "Read the state machine's CloudWatch Logs log group (its loggingConfiguration), with level ERROR or ALL and includeExecutionData.",
        ],
      },
    )
  const {DescribeExecutionCommand, DescribeStateMachineForExecutionCommand, GetExecutionHistoryCommand} =
    await import('@aws-sdk/client-sfn')
  const options = signal ? {abortSignal: signal} : {}
  const execution = await sfn.send(new DescribeExecutionCommand({executionArn: arn}), options)
  const events: HistoryEvent[] = []
  let nextToken: string | undefined
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: arn,
        includeExecutionData: true,
        maxResults: 1000,
        ...(nextToken ? {nextToken} : {}),
      }),
      options,
    )
    for (const e of page.events ?? []) events.push(e as unknown as HistoryEvent)
    nextToken = page.nextToken
  } while (nextToken)

  const notes: string[] = []
  let definition: Json | undefined
  try {
    const machine = await sfn.send(new DescribeStateMachineForExecutionCommand({executionArn: arn}), options)
    const parsed: unknown = machine.definition ? JSON.parse(machine.definition) : undefined
    if (isObj(parsed)) definition = parsed
  } catch (error) {
    notes.push(
      `The definition could not be read (${(error as Error).name ?? 'error'}: ${(error as Error).message}); the configured retry schedule is not compared.`,
    )
  }

  const result = explainHistory(
    events.sort((a, b) => a.id - b.id),
    definition,
  )
  return {
    ...result,
    executionArn: arn,
    notes,
    redrive: {reason: execution.redriveStatusReason ?? null, status: execution.redriveStatus ?? null},
    source: arn,
  }
}
